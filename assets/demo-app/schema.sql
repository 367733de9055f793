-- The demo's database at release v1.0.0, with a few rows of each kind.
-- password_sha256 is hex SHA-256 of the password: test_user / test_password is
-- the runbook's functional-test login (3.3); operator / demo_operator_pw.
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_sha256 TEXT NOT NULL,
  role TEXT NOT NULL DEFAULT 'viewer'
);
INSERT INTO users (username, password_sha256, role) VALUES
  ('test_user', '10a6e6cc8311a3e2bcc09bf6c199adecd5dd59408c343e926b129c4914f3cb01', 'viewer'),
  ('operator', 'b722315400dbc9fd71a90e68a72eda3b1559c72517712325917e536c06fd9383', 'admin');

CREATE TABLE devices (
  id INTEGER PRIMARY KEY,
  serial TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  location TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'online'
);
INSERT INTO devices (serial, name, location, status) VALUES
  ('CVD-0001', 'Lobby cooler', 'Building A, lobby', 'online'),
  ('CVD-0002', 'Snack tower', 'Building A, floor 3', 'online'),
  ('CVD-0003', 'Gym vendor', 'Building B, gym', 'offline');

CREATE TABLE planograms (
  id INTEGER PRIMARY KEY,
  device_id INTEGER NOT NULL REFERENCES devices (id),
  name TEXT NOT NULL,
  slots INTEGER NOT NULL,
  updated_at TEXT NOT NULL
);
INSERT INTO planograms (device_id, name, slots, updated_at) VALUES
  (1, 'Cold drinks, summer', 40, '2025-01-02T09:00:00Z'),
  (2, 'Snacks, standard', 60, '2025-01-03T09:00:00Z'),
  (3, 'Protein bars', 24, '2025-01-04T09:00:00Z');

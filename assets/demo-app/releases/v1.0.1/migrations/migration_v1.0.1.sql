-- v1.0.1: devices report their firmware version.
-- Deliberately not idempotent: a second run fails on ADD COLUMN, so a
-- migration applied twice (say, re-run after an interrupted deployment) is
-- an error the operator sees, not a silent no-op.
ALTER TABLE devices ADD COLUMN firmware TEXT;
UPDATE devices SET firmware = '1.0.1';

/**
 * What `SHA256:` fingerprints look like (ssh-keygen -lf): 43 unpadded base64
 * characters. Apart from trust.ts so that checking `--trust-host-key` while
 * parsing arguments does not load ssh2.
 */
export const FINGERPRINT_PATTERN = /^SHA256:[A-Za-z0-9+/]{43}$/;

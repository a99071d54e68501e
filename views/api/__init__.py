"""The JSON API under /api (Bearer token or the browser session for reads)."""

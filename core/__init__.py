"""Small helpers every app may use: environment parsing, rate limits, the health check, request
checks, spreadsheet-safe text and the site's own pages. Nothing here imports an app at import
time, so any app can import core."""

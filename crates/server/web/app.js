// The page's script (see docs/web.md).

"""helsekb: turn Norwegian clinical guidance into an offline MkDocs knowledge base."""

__version__ = "0.1.0"

SITE_URL_ENV = "HELSEKB_SITE_URL"
"""Environment variable with the site's public URL (canonical links, sitemap, feed links)."""

"""helsekb: turn Norwegian clinical guidance into an offline MkDocs knowledge base."""

__version__ = "0.1.0"

"""Search: Norwegian text analysis shared with the index writer, the index format, the benchmark.

The same analysis runs in the browser (``overrides/assets/javascripts/search/analyse.js``);
``tests/test_search.py`` checks that both give identical keys for every word of the corpus.
"""

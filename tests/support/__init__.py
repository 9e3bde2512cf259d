"""Code the tests share: fixtures' helpers, query tables, the real-text corpus, the Elasticsearch
evaluator. Test modules import from here, never from each other."""

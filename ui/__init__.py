"""The LeadGrid designer app: session state, drafts, charts and widgets, and the pages.

`app.py` beside this package is the entry; everything it shows is computed by `scoring`.
"""

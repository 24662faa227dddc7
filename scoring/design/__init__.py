"""A starting model drafted from any lead export: which columns describe fit and which show
interest, rules and shares from the data's own evidence, weights, activity points,
thresholds and routing, every number with the evidence for it.

- ``roles``: each column's suggested role (profile, engagement, ignore) and why; the outcome;
- ``bands``: bands of a numeric column where the outcome changes (ChiMerge), or quartiles;
- ``evidence``: a group's leads, rate and lift, and the share they give;
- ``rules``: the rules proposed for one column (values, bands, missing) with their evidence;
- ``activities``: points per activity type from the leads that had it before the hand-over;
- ``grades``: thresholds at quantiles of the drafted scores, and routing;
- ``coverage``: how long a file covers ("this file covers 14.5 months");
- ``draft``: ``draft_model``, putting it together into a valid model (``Draft``);
- ``report``: the draft in lines of text (what ``leadgrid init`` prints).
"""

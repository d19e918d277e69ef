"""The domain: answers, questions, the rule set and its engine, clinical context, governance, order codes.

Nothing here knows Flask, HTTP, templates or the other wings: the factory
builds the app's state from it (triage/state.py), and the wings read that.
Every data file (rules, clinical context, review record, questions, order
codes) is read by `datafile.load`.
"""

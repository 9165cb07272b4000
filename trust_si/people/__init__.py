"""The people pages of a trust: invitations, members and their roles, API tokens, the audit log.

Above trust_si.web (it is made of views) and below every app.
"""

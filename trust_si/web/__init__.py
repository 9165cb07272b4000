"""Request plumbing of the kernel: the tenant middleware, the DRF base, the access helper.

It sits above accounts (it resolves a user's membership) and below every app.
"""

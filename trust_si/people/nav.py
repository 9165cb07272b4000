from trust_si.nav import NavItem

ITEMS = [
    NavItem("Dashboard", "dashboard", "academy.view", order=0),
    NavItem("People", "people", "users.manage", order=90),
    NavItem("Audit log", "audit_log", "audit.view", order=95),
]

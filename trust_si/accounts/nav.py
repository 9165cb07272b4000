from trust_si.nav import NavItem

ITEMS = [
    NavItem("Dashboard", "dashboard", "academy.view", order=0),
]

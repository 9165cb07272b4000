from trust_si.nav import NavItem

ITEMS = [
    NavItem("Academies", "academies:list", "academy.view", order=10),
]

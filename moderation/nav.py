from trust_si.nav import NavItem

ITEMS = [
    NavItem("Moderation", "moderation:rounds", "moderation.view", order=23),
]

from trust_si.nav import NavItem

ITEMS = [
    NavItem("Published results", "kpis:published_results", "kpi.view", order=30),
]

from trust_si.nav import NavItem

ITEMS = [
    NavItem("KPIs", "kpis:trust_table", "kpi.view", order=25),
    NavItem("Published results", "kpis:published_results", "kpi.view", order=30),
]

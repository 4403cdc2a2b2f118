"""The team lead's KPI view (View → KPIs): table, charts, heat map, CSV export."""

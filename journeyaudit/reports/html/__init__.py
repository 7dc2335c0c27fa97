"""The HTML pages: the report (`report.py`: a portfolio index and one page per journey), the
diff page (`diff_page.py`) and the hand-off page (reports/handoffs.py), rendered from
`reports/templates/` by one jinja environment (`environment.py`); the diagrams they draw
(`swimlane.py`, `department_map.py`, on `diagrams.py`)."""

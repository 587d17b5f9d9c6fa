"""The dashboard widget library (X-1, X-3): `WIDGET_TYPES` and `render_widget`.

Each widget draws one customer's data, read by a selector in `selectors.py` that filters every
query on that customer, as self-contained SVG (or an HTML table for lists) drawn by `svg.py`;
the same markup is used on screen and in the exported PDF."""

from partnerdesk.console.widgets.library import (
    WIDGET_TYPES,
    WidgetDrawing,
    WidgetType,
    render_widget,
)

__all__ = ["WIDGET_TYPES", "WidgetDrawing", "WidgetType", "render_widget"]

package dev.baton.demo.front;

import dev.baton.demo.catalog.BackendQuery;
import dev.baton.demo.catalog.Gizmo;
import dev.baton.demo.catalog.Product;
import dev.baton.demo.catalog.Widget;
import dev.baton.demo.web.Html;
import java.util.List;

/** The backend's lists as HTML tables, and the sync/async badges of the sample pages. */
final class CatalogViews {
    static final String SYNC = "<span class=\"badge sync\">sync</span> ";
    static final String ASYNC = "<span class=\"badge async\">async</span> ";

    private CatalogViews() {
    }

    static String products(List<Product> products) {
        return "<h2>Products</h2>" + Html.table(List.of("#", "Name", "Category", "Price"), products,
                List.of(Product::id, Product::name, Product::category, Product::price));
    }

    static String widgets(List<Widget> widgets) {
        return "<h2>Widgets</h2>" + Html.table(List.of("#", "Title", "Size", "Price"), widgets,
                List.of(Widget::id, Widget::title, Widget::size, Widget::price));
    }

    static String gizmos(List<Gizmo> gizmos) {
        return "<h2>Gizmos</h2>" + Html.table(List.of("#", "Name", "Quantity", "Price"), gizmos,
                List.of(Gizmo::id, Gizmo::name, Gizmo::quantity, Gizmo::price));
    }

    /** "Compare X": a link to the twin page, keeping the query (delay, failRate). */
    static String compare(String page, BackendQuery q) {
        return " Compare " + Html.link("/" + page + q.toQueryString(), page) + ".";
    }
}

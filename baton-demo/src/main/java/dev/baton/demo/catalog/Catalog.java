package dev.baton.demo.catalog;

import java.math.BigDecimal;
import java.util.List;

/** The backend's fixed sample data: the Products, Widgets and Gizmos of the ASP.NET tutorial's sample. */
public final class Catalog {
    public static final List<Product> PRODUCTS = List.of(
            new Product(1, "Chai", "Beverages", price("18.00")),
            new Product(2, "Chang", "Beverages", price("19.00")),
            new Product(3, "Aniseed Syrup", "Condiments", price("10.00")),
            new Product(4, "Chef Anton's Cajun Seasoning", "Condiments", price("22.00")),
            new Product(5, "Grandma's Boysenberry Spread", "Condiments", price("25.00")),
            new Product(6, "Uncle Bob's Organic Dried Pears", "Produce", price("30.00")),
            new Product(7, "Northwoods Cranberry Sauce", "Condiments", price("40.00")),
            new Product(8, "Mishi Kobe Niku", "Meat", price("97.00")));

    public static final List<Widget> WIDGETS = List.of(
            new Widget(1, "Sprocket", 3, price("1.25")),
            new Widget(2, "Flange", 5, price("2.50")),
            new Widget(3, "Grommet", 1, price("0.40")),
            new Widget(4, "Cog", 4, price("3.10")),
            new Widget(5, "Toggle", 2, price("0.95")),
            new Widget(6, "Bracket", 6, price("4.75")));

    public static final List<Gizmo> GIZMOS = List.of(
            new Gizmo(1, "Thingamajig", 12, price("9.99")),
            new Gizmo(2, "Doohickey", 40, price("4.49")),
            new Gizmo(3, "Whatchamacallit", 7, price("14.00")),
            new Gizmo(4, "Gadget", 25, price("19.95")),
            new Gizmo(5, "Contraption", 3, price("49.00")),
            new Gizmo(6, "Widgetizer", 18, price("7.25")),
            new Gizmo(7, "Flux Capacitor", 1, price("88.00")));

    private Catalog() {
    }

    private static BigDecimal price(String p) {
        return new BigDecimal(p);
    }
}

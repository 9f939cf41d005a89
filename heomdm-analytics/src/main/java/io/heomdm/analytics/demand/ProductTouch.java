package io.heomdm.analytics.demand;

import java.math.BigDecimal;

/** What one event, or a window of them, did to one product's demand. */
public record ProductTouch(long views, long cartAdds, long orders, long units, BigDecimal revenue) {

    public static final ProductTouch NONE = new ProductTouch(0, 0, 0, 0, BigDecimal.ZERO);

    public ProductTouch plus(ProductTouch o) {
        return new ProductTouch(views + o.views, cartAdds + o.cartAdds, orders + o.orders, units + o.units, revenue.add(o.revenue));
    }
}

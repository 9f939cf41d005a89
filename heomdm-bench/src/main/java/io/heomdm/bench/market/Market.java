package io.heomdm.bench.market;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A seeded market: customers (with time zones, countries and consents) and a catalogue of products
 * (categories, prices with floors and ceilings, stock). The same seed gives the same market.
 */
public record Market(List<Customer> customers, List<Product> products) {
    static final String[] CATEGORIES = {"shoes", "outdoor", "kitchen", "books", "toys", "beauty", "garden", "electronics", "fashion", "sports"};
    static final String[][] ZONES = {{"DE", "Europe/Berlin"}, {"FR", "Europe/Paris"}, {"GB", "Europe/London"}, {"ES", "Europe/Madrid"},
            {"IT", "Europe/Rome"}, {"NL", "Europe/Amsterdam"}, {"PL", "Europe/Warsaw"}, {"US", "America/New_York"}, {"US", "America/Chicago"},
            {"BR", "America/Sao_Paulo"}, {"IN", "Asia/Kolkata"}, {"JP", "Asia/Tokyo"}};

    public record Customer(String id, String email, String phone, String country, String timeZone, boolean emailConsent,
            boolean smsConsent, boolean pushConsent) {
    }

    public record Product(String id, String name, String category, BigDecimal price, BigDecimal floor, BigDecimal ceiling,
            BigDecimal cost, int stock) {
    }

    public static Market generate(int customers, int products, RandomGenerator random) {
        List<Customer> cs = new ArrayList<>(customers);
        for (int i = 0; i < customers; i++) {
            String[] zone = ZONES[random.nextInt(ZONES.length)];
            cs.add(new Customer("c-" + i, "customer" + i + "@example.com", "+49" + (1_500_000_000L + random.nextLong(99_999_999L)),
                    zone[0], zone[1], random.nextDouble() < 0.6, random.nextDouble() < 0.25, random.nextDouble() < 0.4));
        }
        List<Product> ps = new ArrayList<>(products);
        for (int i = 0; i < products; i++) {
            String category = CATEGORIES[random.nextInt(CATEGORIES.length)];
            // log-normal-ish prices: many cheap products, a few expensive ones
            double price = Math.exp(2.5 + random.nextGaussian() * 0.9);
            BigDecimal p = money(Math.max(1, price));
            ps.add(new Product("p-" + i, category + " item " + i, category, p, money(p.doubleValue() * 0.8), money(p.doubleValue() * 1.3),
                    money(p.doubleValue() * 0.55), random.nextInt(500)));
        }
        return new Market(List.copyOf(cs), List.copyOf(ps));
    }

    static BigDecimal money(double v) {
        return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP);
    }
}

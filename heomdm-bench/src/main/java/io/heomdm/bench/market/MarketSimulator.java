package io.heomdm.bench.market;

import io.heomdm.events.AvroCodec;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.events.EventType;
import io.heomdm.events.schema.CampaignTriggered;
import io.heomdm.events.schema.CompetitorPriceObserved;
import io.heomdm.events.schema.CartItemAdded;
import io.heomdm.events.schema.Channel;
import io.heomdm.events.schema.ChannelConsent;
import io.heomdm.events.schema.CustomerUpdated;
import io.heomdm.events.schema.OrderLine;
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.events.schema.ProductCatalogued;
import io.heomdm.events.schema.ProductViewed;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.apache.avro.specific.SpecificRecord;

/**
 * A seeded generator of market events: shopping sessions whose funnel follows a public
 * e-commerce data set's proportions (about 96.7 % product views, 2.5 % cart adds, 0.8 % orders),
 * beside customers changing their details, catalogue and competitor price changes, and campaigns
 * launched by marketers. Events carry realistic attributes (page URL, referrer, user agent, device,
 * country, UTM parameters, a data layer) sized to the configured average. Not thread-safe: one per
 * producer thread.
 */
public final class MarketSimulator {
    private static final String[] COMPETITORS = {"shopzilla", "megamart", "bargainly"};
    /** How the generated events are mixed and sized. */
    public record Profile(double views, double cartAdds, double orders, double customerUpdates, double priceChanges, double campaigns,
            int averageEventBytes) {
        public static Profile defaults() {
            return new Profile(0.967, 0.025, 0.008, 0.002, 0.001, 0.0001, 2048);
        }

        public Profile withAverageEventBytes(int bytes) {
            return new Profile(views, cartAdds, orders, customerUpdates, priceChanges, campaigns, bytes);
        }
    }

    private static final String[] AGENTS = {
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
            "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36",
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"};
    private static final String[] DEVICES = {"desktop", "mobile", "desktop", "mobile", "desktop"};
    private static final String[] REFERRERS = {"https://www.google.com/", "https://www.bing.com/", "https://www.instagram.com/",
            "https://www.facebook.com/", "https://newsletter.example.com/weekly", "", "https://www.pricecompare.example/offers"};
    private static final String[] SOURCES = {"google", "newsletter", "instagram", "facebook", "affiliate", "direct"};
    private static final int PADS = 64;

    private final Market market;
    private final Profile profile;
    private final RandomGenerator random;
    private final EventIds ids;
    private final String correlationPrefix;
    private final double[] cumulative;
    private final String[] viewPads;
    private final String[] cartPads;

    /**
     * @param correlationPrefix when not null, each event's correlationId is this prefix and its
     *                          sequence number, so what it causes can be traced back to it (the harness uses it)
     */
    public MarketSimulator(Market market, Profile profile, RandomGenerator random, EventIds ids, String correlationPrefix) {
        this.market = market;
        this.profile = profile;
        this.random = random;
        this.ids = ids;
        this.correlationPrefix = correlationPrefix;
        double[] weights = {profile.views(), profile.cartAdds(), profile.orders(), profile.customerUpdates(), profile.priceChanges(), profile.campaigns()};
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        cumulative = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i] / total;
            cumulative[i] = sum;
        }
        // the data layer fills each event up to the average size: sized once against a sample, then reused
        viewPads = pads(profile.averageEventBytes() - sizeOf(view(0, "")));
        cartPads = pads(profile.averageEventBytes() - sizeOf(cartAdd(0, "")));
    }

    public Market market() {
        return market;
    }

    /** The whole catalogue, one {@code ProductCatalogued} per product: what a shop publishes before its first visitor. */
    public List<Event<ProductCatalogued>> catalogue(Instant at) {
        return market.products().stream().map(p -> event(EventCatalog.PRODUCT_CATALOGUED, ProductCatalogued.newBuilder().setProductId(p.id())
                .setName(p.name()).setCategory(p.category()).setPrice(p.price()).setFloor(p.floor()).setCeiling(p.ceiling()).setCost(p.cost())
                .setStock(p.stock()).build(), -1, at)).toList();
    }

    /** The next event of the market, occurring at {@code at}; {@code seq} numbers it within its producer. */
    public Event<? extends SpecificRecord> next(long seq, Instant at) {
        double r = random.nextDouble();
        int kind = 0;
        while (kind < cumulative.length - 1 && r >= cumulative[kind]) {
            kind++;
        }
        return switch (kind) {
            case 0 -> event(EventCatalog.PRODUCT_VIEWED, view(seq, viewPads[random.nextInt(PADS)]), seq, at);
            case 1 -> event(EventCatalog.CART_ITEM_ADDED, cartAdd(seq, cartPads[random.nextInt(PADS)]), seq, at);
            case 2 -> event(EventCatalog.ORDER_PLACED, order(seq), seq, at);
            case 3 -> event(EventCatalog.CUSTOMER_UPDATED, customerUpdate(), seq, at);
            // every other price change is a competitor's, seen by a price feed; the rest, the shop's own list price following it
            case 4 -> seq % 2 == 0 ? event(EventCatalog.COMPETITOR_PRICE_OBSERVED, competitorPrice(), seq, at)
                    : event(EventCatalog.PRODUCT_CATALOGUED, priceChange(), seq, at);
            default -> event(EventCatalog.CAMPAIGN_TRIGGERED, campaign(seq), seq, at);
        };
    }

    private <T extends SpecificRecord> Event<T> event(EventType<T> type, T payload, long seq, Instant at) {
        var id = ids.next();
        String correlation = correlationPrefix == null ? null : correlationPrefix + seq;
        return new Event<>(new Envelope(id, type.name(), type.version(), type.keyOf(payload), at, correlation, null, null), payload);
    }

    /** Customers are not equally active: a few visit often (a power law over the population). */
    private Market.Customer customer() {
        int n = market.customers().size();
        return market.customers().get((int) Math.min(n - 1, (long) (n * Math.pow(random.nextDouble(), 2.2))));
    }

    private Market.Product product() {
        int n = market.products().size();
        return market.products().get((int) Math.min(n - 1, (long) (n * Math.pow(random.nextDouble(), 1.6))));
    }

    private static String session(Market.Customer c, long seq) {
        return c.id() + "-s" + (seq >> 12);
    }

    private ProductViewed view(long seq, String pad) {
        var c = customer();
        var p = product();
        int agent = random.nextInt(AGENTS.length);
        String source = SOURCES[random.nextInt(SOURCES.length)];
        return ProductViewed.newBuilder().setCustomerId(c.id()).setProductId(p.id()).setSessionId(session(c, seq)).setCategory(p.category())
                .setPageUrl("https://shop.example.com/" + p.category() + "/" + p.id() + "?utm_source=" + source + "&utm_medium=cpc&utm_campaign=autumn-"
                        + (seq % 17) + "&ref=" + Long.toHexString(seq * 2654435761L))
                .setReferrer(REFERRERS[random.nextInt(REFERRERS.length)]).setUserAgent(AGENTS[agent]).setDevice(DEVICES[agent])
                .setCountry(c.country()).setContext(context(c, source, pad)).build();
    }

    private CartItemAdded cartAdd(long seq, String pad) {
        var c = customer();
        var p = product();
        return CartItemAdded.newBuilder().setCustomerId(c.id()).setProductId(p.id()).setSessionId(session(c, seq))
                .setQuantity(1 + random.nextInt(3)).setUnitPrice(p.price()).setContext(context(c, SOURCES[random.nextInt(SOURCES.length)], pad)).build();
    }

    private Map<String, String> context(Market.Customer c, String source, String pad) {
        Map<String, String> m = new HashMap<>(12);
        m.put("utm_source", source);
        m.put("locale", "en-" + c.country());
        m.put("timeZone", c.timeZone());
        m.put("screen", random.nextBoolean() ? "1920x1080" : "390x844");
        m.put("experiment.checkout", random.nextBoolean() ? "A" : "B");
        m.put("consent", (c.emailConsent() ? "e" : "") + (c.smsConsent() ? "s" : "") + (c.pushConsent() ? "p" : ""));
        if (!pad.isEmpty()) {
            m.put("dataLayer", pad);
        }
        return m;
    }

    private OrderPlaced order(long seq) {
        var c = customer();
        int lines = 1 + random.nextInt(4);
        List<OrderLine> ls = new ArrayList<>(lines);
        BigDecimal total = BigDecimal.ZERO;
        for (int i = 0; i < lines; i++) {
            var p = product();
            int q = 1 + random.nextInt(3);
            ls.add(OrderLine.newBuilder().setProductId(p.id()).setQuantity(q).setUnitPrice(p.price()).build());
            total = total.add(p.price().multiply(BigDecimal.valueOf(q)));
        }
        return OrderPlaced.newBuilder().setCustomerId(c.id()).setOrderId("o-" + seq + "-" + random.nextInt(1000)).setLines(ls).setTotal(total)
                .setEmail(c.email()).setSessionId(session(c, seq)).build();
    }

    private CustomerUpdated customerUpdate() {
        var c = customer();
        return CustomerUpdated.newBuilder().setCustomerId(c.id()).setEmail(c.email()).setPhone(c.phone()).setTimeZone(c.timeZone())
                .setConsent(ChannelConsent.newBuilder().setEmail(c.emailConsent()).setSms(c.smsConsent()).setPush(c.pushConsent()).build()).build();
    }

    /** A catalogue change: most often a competitor moved and the list price follows, within floor and ceiling. */
    private ProductCatalogued priceChange() {
        var p = product();
        double moved = p.price().doubleValue() * (0.9 + random.nextDouble() * 0.2);
        BigDecimal price = Market.money(Math.min(p.ceiling().doubleValue(), Math.max(p.floor().doubleValue(), moved)));
        return ProductCatalogued.newBuilder().setProductId(p.id()).setName(p.name()).setCategory(p.category()).setPrice(price)
                .setFloor(p.floor()).setCeiling(p.ceiling()).setCost(p.cost()).setStock(random.nextInt(500)).build();
    }

    /** A competitor's price for one of the products, within ±15 % of the list price. */
    private CompetitorPriceObserved competitorPrice() {
        var p = product();
        BigDecimal price = Market.money(p.price().doubleValue() * (0.85 + random.nextDouble() * 0.3));
        return new CompetitorPriceObserved(p.id(), COMPETITORS[random.nextInt(COMPETITORS.length)], price, "EUR");
    }

    private CampaignTriggered campaign(long seq) {
        List<String> audience = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            audience.add(customer().id());
        }
        return CampaignTriggered.newBuilder().setCampaignId("cmp-" + seq).setName("Autumn offers " + seq % 7).setAudienceSegment("at-risk")
                .setCustomerIds(audience).setChannel(Channel.EMAIL).setTemplate("campaign-autumn").build();
    }

    private static int sizeOf(SpecificRecord payload) {
        return AvroCodec.encode(payload).length;
    }

    /** Data-layer strings (JSON, as a tag manager writes it) whose lengths average {@code mean}, spread ±25 %. */
    private String[] pads(int mean) {
        String[] out = new String[PADS];
        for (int i = 0; i < PADS; i++) {
            int length = mean <= 0 ? 0 : (int) (mean * (0.75 + 0.5 * i / (PADS - 1.0)));
            StringBuilder b = new StringBuilder(length + 64);
            int n = 0;
            while (b.length() < length) {
                b.append(n == 0 ? "{" : ",").append("\"impression").append(n).append("\":{\"list\":\"").append(Market.CATEGORIES[(i + n) % Market.CATEGORIES.length])
                        .append("\",\"position\":").append(n).append(",\"sku\":\"p-").append((i * 31 + n * 7) % 5000).append("\"}");
                n++;
            }
            out[i] = length == 0 ? "" : b.substring(0, length);
        }
        return out;
    }
}

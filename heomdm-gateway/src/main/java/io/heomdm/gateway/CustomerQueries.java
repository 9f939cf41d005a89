package io.heomdm.gateway;

import io.heomdm.storage.CustomerMessages.CustomerMessage;
import java.util.List;

/** What the gateway can ask about a customer; the launcher wires in the implementation. */
public interface CustomerQueries {
    List<CustomerMessage> messages(String customerId, int limit);
}

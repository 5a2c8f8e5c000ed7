package org.parley.it;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.parley.api.ApiException;
import org.parley.control.ControlClient;
import org.parley.store.ProfileHome;

/**
 * The control clients a test keeps, one per home, for the questions it asks again and again while
 * it waits. A new client per question costs a connection at both ends, several times the
 * question itself, and a waiting test asks every 100 ms on a suite bound by its two cores' CPU.
 * A daemon that restarted since refuses the old client (its token is new): the question is then
 * asked once more on a new one.
 */
final class HeldClients implements AutoCloseable {
    /** What a test asks of a daemon. */
    interface Question<T> {
        T askedOf(ControlClient client) throws Exception;
    }

    private final Map<Path, ControlClient> clients = new HashMap<>();

    synchronized <T> T ask(Path home, Question<T> question) throws Exception {
        ControlClient held = clients.remove(home);
        if (held != null) {
            try {
                T answer = question.askedOf(held);
                clients.put(home, held);
                return answer;
            } catch (ApiException staleOrRefused) {
                held.close();
            }
        }
        ControlClient fresh = ControlClient.connectOrExplain(new ProfileHome(home));
        clients.put(home, fresh);
        return question.askedOf(fresh);
    }

    @Override
    public synchronized void close() {
        clients.values().forEach(ControlClient::close);
        clients.clear();
    }
}

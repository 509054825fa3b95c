package io.github.r2dbcrouting.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.r2dbcrouting.replica.Replica;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many requests at once: each is served where its method says, and every connection goes back to its pool.
 */
final class ConcurrentRequestsIT extends ClusterApplicationTests {

    private static final int REQUESTS = 200;

    private List<ConnectionPool> pools() {
        List<ConnectionPool> pools = new ArrayList<>();
        pools.add((ConnectionPool) this.router.unwrap());
        for (Replica replica : this.router.replicas()) {
            pools.add((ConnectionPool) this.router.replicaConnectionFactory(replica.name()));
        }
        return pools;
    }

    private int acquired() {
        return pools().stream().mapToInt(pool -> pool.getMetrics().orElseThrow().acquiredSize()).sum();
    }

    @Test
    void twoHundredConcurrentRequestsAreRoutedAndReleaseEveryConnection() {
        WebClient client = WebClient.create("http://127.0.0.1:" + this.port);

        Flux.range(0, REQUESTS)
                .flatMap(i -> {
                    HttpMethod method = i % 4 == 0 ? HttpMethod.POST : HttpMethod.GET;
                    String path = i % 8 == 1 ? "/where/read-only-transaction" : "/where";
                    return client.method(method).uri(path).retrieve().bodyToFlux(Where.class)
                            .all(where -> method == HttpMethod.POST ? where.onPrimary() : where.onReplica());
                }, REQUESTS)
                .collectList()
                .as(StepVerifier::create)
                .assertNext(routedAsTheirMethodSays -> assertThat(routedAsTheirMethodSays)
                        .hasSize(REQUESTS)
                        .containsOnly(true))
                .expectComplete()
                .verify(TIMEOUT);

        Mono.fromSupplier(this::acquired)
                .filter(acquired -> acquired == 0)
                .repeatWhenEmpty(attempts -> attempts.delayElements(Duration.ofMillis(20)))
                .as(StepVerifier::create)
                .expectNext(0)
                .expectComplete()
                .verify(TIMEOUT);
    }
}

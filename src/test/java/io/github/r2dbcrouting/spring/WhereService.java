package io.github.r2dbcrouting.spring;

import java.util.List;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static io.github.r2dbcrouting.Routing.withReplica;

/**
 * Transactions whose statements report where they ran.
 */
@Service
public class WhereService {

    private final WhereQueries queries;

    WhereService(WhereQueries queries) {
        this.queries = queries;
    }

    /**
     * Three statements at once: outside a transaction they would need three connections.
     *
     * @return where each ran
     */
    @Transactional(readOnly = true)
    public Mono<List<Where>> threeStatementsReadOnly() {
        return threeStatements();
    }

    /**
     * Three statements at once, the last ones under an explicit {@code withReplica()}.
     *
     * @return where each ran
     */
    @Transactional
    public Mono<List<Where>> threeStatementsReadWriteWithInnerReplica() {
        return Flux.merge(this.queries.where(), this.queries.where().contextWrite(withReplica()),
                        this.queries.where().contextWrite(withReplica()))
                .collectList();
    }

    private Mono<List<Where>> threeStatements() {
        return Flux.merge(this.queries.where(), this.queries.where(), this.queries.where()).collectList();
    }
}

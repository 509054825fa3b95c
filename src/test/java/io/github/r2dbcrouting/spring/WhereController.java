package io.github.r2dbcrouting.spring;

import java.util.List;

import io.github.r2dbcrouting.Routing;
import io.github.r2dbcrouting.web.UsePrimary;
import io.github.r2dbcrouting.web.UseReplica;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Endpoints that answer with where their statements ran.
 */
@RestController
@RequestMapping("/where")
public class WhereController {

    private final WhereQueries queries;

    private final WhereService service;

    WhereController(WhereQueries queries, WhereService service) {
        this.queries = queries;
        this.service = service;
    }

    @RequestMapping
    Mono<Where> where() {
        return this.queries.where();
    }

    @GetMapping("/twice")
    Mono<List<Where>> twice() {
        return this.queries.where().concatWith(this.queries.where()).collectList();
    }

    @GetMapping("/use-primary")
    @UsePrimary
    Mono<Where> usePrimary() {
        return this.queries.where();
    }

    @PostMapping("/use-replica")
    @UseReplica
    Mono<Where> useReplica() {
        return this.queries.where();
    }

    @GetMapping("/with-replica")
    Mono<Where> withReplica() {
        return this.queries.where().contextWrite(Routing.withReplica());
    }

    @GetMapping("/with-primary")
    Mono<Where> withPrimary() {
        return this.queries.where().contextWrite(Routing.withPrimary());
    }

    @RequestMapping("/read-only-transaction")
    Mono<List<Where>> readOnlyTransaction() {
        return this.service.threeStatementsReadOnly();
    }

    @RequestMapping("/read-write-transaction")
    Mono<List<Where>> readWriteTransaction() {
        return this.service.threeStatementsReadWriteWithInnerReplica();
    }
}

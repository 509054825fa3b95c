package io.github.r2dbcrouting.it;

import io.github.r2dbcrouting.testbed.MariaDbCluster;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The R2DBC SPI TestKit through the router, without a route and inside a session, each in name order and in three
 * fixed shuffled orders, and on the auto route in name order and one shuffled order: a connection must behave the
 * same whoever used it before.
 */
@ExtendWith(MariaDbCluster.class)
final class SpiTestKitIT {

    @Nested
    class WithoutRoute {

        @Nested
        @TestMethodOrder(MethodOrderer.MethodName.class)
        class InNameOrder extends RouterTestKit {

            InNameOrder() {
                super(Scope.NO_ROUTE);
            }
        }

        @Nested
        @TestMethodOrder(ShuffledOrder.class)
        @ShuffledOrder.Seed(7)
        class ShuffledBySeed7 extends RouterTestKit {

            ShuffledBySeed7() {
                super(Scope.NO_ROUTE);
            }
        }

        @Nested
        @TestMethodOrder(ShuffledOrder.class)
        @ShuffledOrder.Seed(42)
        class ShuffledBySeed42 extends RouterTestKit {

            ShuffledBySeed42() {
                super(Scope.NO_ROUTE);
            }
        }

        @Nested
        @TestMethodOrder(ShuffledOrder.class)
        @ShuffledOrder.Seed(1234)
        class ShuffledBySeed1234 extends RouterTestKit {

            ShuffledBySeed1234() {
                super(Scope.NO_ROUTE);
            }
        }
    }

    @Nested
    class InSession {

        @Nested
        @TestMethodOrder(MethodOrderer.MethodName.class)
        class InNameOrder extends RouterTestKit {

            InNameOrder() {
                super(Scope.SESSION);
            }
        }

        @Nested
        @TestMethodOrder(ShuffledOrder.class)
        @ShuffledOrder.Seed(7)
        class ShuffledBySeed7 extends RouterTestKit {

            ShuffledBySeed7() {
                super(Scope.SESSION);
            }
        }

        @Nested
        @TestMethodOrder(ShuffledOrder.class)
        @ShuffledOrder.Seed(42)
        class ShuffledBySeed42 extends RouterTestKit {

            ShuffledBySeed42() {
                super(Scope.SESSION);
            }
        }

        @Nested
        @TestMethodOrder(ShuffledOrder.class)
        @ShuffledOrder.Seed(1234)
        class ShuffledBySeed1234 extends RouterTestKit {

            ShuffledBySeed1234() {
                super(Scope.SESSION);
            }
        }
    }

    @Nested
    class OnAutoRoute {

        @Nested
        @TestMethodOrder(MethodOrderer.MethodName.class)
        class InNameOrder extends RouterTestKit {

            InNameOrder() {
                super(Scope.AUTO);
            }
        }

        @Nested
        @TestMethodOrder(ShuffledOrder.class)
        @ShuffledOrder.Seed(42)
        class ShuffledBySeed42 extends RouterTestKit {

            ShuffledBySeed42() {
                super(Scope.AUTO);
            }
        }
    }
}

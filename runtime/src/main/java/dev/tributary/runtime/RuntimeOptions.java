package dev.tributary.runtime;

import dev.tributary.dsl.config.ConfigOption;
import dev.tributary.dsl.config.Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The settings of a running job, with their defaults and rules. */
public final class RuntimeOptions {
    private RuntimeOptions() {
    }

    /** Names the job: its subscription, its producers and its internal topics. */
    public static final ConfigOption<String> APPLICATION_ID = ConfigOption.key("application.id").stringType()
            .required()
            .check(s -> s.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}"),
                    "must be letters, digits, '.', '_' or '-', starting with a letter or digit, at most 100 characters")
            .description("The job's name: every instance of one job uses the same id; it names the input subscription.");

    /** The broker's binary protocol URL. */
    public static final ConfigOption<String> SERVICE_URL = ConfigOption.key("pulsar.service.url").stringType()
            .defaultValue("pulsar://localhost:6650")
            .check(s -> s.startsWith("pulsar://") || s.startsWith("pulsar+ssl://"),
                    "must start with pulsar:// or pulsar+ssl://")
            .description("The Pulsar service URL clients connect to.");

    /** The broker's admin REST URL. */
    public static final ConfigOption<String> ADMIN_URL = ConfigOption.key("pulsar.admin.url").stringType()
            .check(s -> s.startsWith("http://") || s.startsWith("https://"), "must start with http:// or https://")
            .description("The Pulsar admin REST URL; by default the service URL's host on port 8080 (8443 for TLS).");

    /** Which of the broker's advertised listeners the job connects to. */
    public static final ConfigOption<String> LISTENER_NAME = ConfigOption.key("pulsar.listener.name").stringType()
            .check(s -> !s.isBlank(), "must not be blank")
            .description("The name of the broker listener (the broker's advertisedListeners) whose addresses the"
                    + " job connects to, for brokers reached over several networks (inside and outside a Kubernetes"
                    + " cluster, say); unset, the broker's default addresses. Needs a pulsar:// service URL.");

    /** A token for Pulsar's token authentication. */
    public static final ConfigOption<Secret> AUTH_TOKEN = ConfigOption.key("pulsar.auth.token").secretType()
            .description("A JSON Web Token the client and the admin client authenticate with; never printed.");

    /** A file holding the token. */
    public static final ConfigOption<String> AUTH_TOKEN_FILE = ConfigOption.key("pulsar.auth.token-file").stringType()
            .description("A file holding the authentication token, read at connect and whenever the client renews"
                    + " its credentials (a mounted Kubernetes secret, say); instead of pulsar.auth.token.");

    /** Trusted certificates for TLS. */
    public static final ConfigOption<String> TLS_TRUST_CERTS_FILE = ConfigOption.key("pulsar.tls.trust-certs-file")
            .stringType()
            .description("A PEM file of the certificate authorities trusted for pulsar+ssl:// and https:// connections;"
                    + " by default the JVM's trust store.");

    /** Whether the broker's host name must match its certificate. */
    public static final ConfigOption<Boolean> TLS_HOSTNAME_VERIFICATION = ConfigOption.key("pulsar.tls.hostname-verification")
            .booleanType().defaultValue(true)
            .description("Check that the broker's certificate names the host connected to.");

    /** Accept any broker certificate. */
    public static final ConfigOption<Boolean> TLS_ALLOW_INSECURE = ConfigOption.key("pulsar.tls.allow-insecure")
            .booleanType().defaultValue(false)
            .description("Accept broker certificates that are not trusted; for tests only.");

    /** The client certificate for mutual TLS. */
    public static final ConfigOption<String> TLS_CERT_FILE = ConfigOption.key("pulsar.tls.cert-file").stringType()
            .description("The client's PEM certificate for mutual TLS authentication, with pulsar.tls.key-file.");

    /** The client key for mutual TLS. */
    public static final ConfigOption<String> TLS_KEY_FILE = ConfigOption.key("pulsar.tls.key-file").stringType()
            .description("The client's PEM private key for mutual TLS authentication, with pulsar.tls.cert-file.");

    /** How often processed input is committed. */
    public static final ConfigOption<Duration> COMMIT_INTERVAL = ConfigOption.key("commit.interval").durationType()
            .defaultValue(Duration.ofMillis(100))
            .check(d -> !d.isNegative() && !d.isZero(), "must be positive")
            .description("How often outputs are flushed and processed input acknowledged. Under exactly-once, the"
                    + " shortest time between commits: a commit that falls due while the one before is still ending"
                    + " is made once that one ended, and the task goes on processing into it meanwhile.");

    /** At-least-once or exactly-once. */
    public static final ConfigOption<ProcessingGuarantee> PROCESSING_GUARANTEE = ConfigOption.key("processing.guarantee")
            .enumType(ProcessingGuarantee.class).defaultValue(ProcessingGuarantee.AT_LEAST_ONCE)
            .description("at-least-once, or exactly-once: every commit is one Pulsar transaction holding its outputs,"
                    + " changelog writes, dead letters and input acknowledgements (the broker needs"
                    + " transactionCoordinatorEnabled=true and acknowledgmentAtBatchIndexLevelEnabled=true).");

    /** Whether exactly-once keeps each key's committed input position, to skip input the broker delivers again. */
    public static final ConfigOption<Boolean> REDELIVERY_GUARD = ConfigOption.key("transaction.redelivery.guard")
            .booleanType().defaultValue(true)
            .description("Under exactly-once: keep each key's last committed input position (a store and changelog of"
                    + " the job's own, written at every commit) and skip input at or below it. Pulsar 4.0.7 was seen"
                    + " delivering input again after broker crashes although the transaction that acknowledged it had"
                    + " committed; false saves a write per key per commit, and such input is then processed twice. With the"
                    + " guard on, an input partition found holding messages it dispatches to no consumer is unloaded by"
                    + " the job (without it, only reported).");

    /** How long a commit's transaction may stay open. */
    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT = ConfigOption.key("transaction.timeout")
            .durationType().defaultValue(Duration.ofSeconds(30))
            .check(d -> d.toMillis() >= 1000, "must be at least 1s")
            .description("Under exactly-once: how long a commit's transaction may stay open before the broker aborts"
                    + " it. It must exceed commit.interval plus the time a commit takes; it also bounds how long the"
                    + " records of an instance that died mid-commit are held back from their new owner.");

    /** Commit early once this many records were processed since the last commit. */
    public static final ConfigOption<Integer> COMMIT_MAX_RECORDS = ConfigOption.key("commit.max.records").intType()
            .defaultValue(20_000)
            .check(n -> n > 0, "must be positive")
            .description("Commit as soon as this many input records were processed since the last commit.");

    /** The number of key groups. */
    public static final ConfigOption<Integer> KEY_GROUPS = ConfigOption.key("key.groups").intType()
            .defaultValue(64)
            .check(n -> n >= 1 && n <= 65536, "must be between 1 and 65536")
            .description("Key groups the hash space is cut into: the unit of ownership and state, and the job's"
                    + " maximum parallelism.");

    /** This instance's name among the running instances of the job. */
    public static final ConfigOption<String> INSTANCE_ID = ConfigOption.key("instance.id").stringType()
            .check(s -> s.matches("[A-Za-z0-9_.-]{1,100}"), "must be 1 to 100 letters, digits, '.', '_' or '-'")
            .description("This instance's name among the running instances of the job; key groups are assigned by"
                    + " it. Give each instance a stable name (a StatefulSet pod name, a host name) so that a restarted"
                    + " instance gets its key groups back and restores only the changelog tail; unset, a random"
                    + " name is chosen at each start.");

    /** How often an instance looks at who else is running. */
    public static final ConfigOption<Duration> MEMBERSHIP_INTERVAL = ConfigOption.key("membership.interval")
            .durationType().defaultValue(Duration.ofSeconds(1))
            .check(d -> d.toMillis() >= 50 && d.toMillis() <= 60_000, "must be between 50ms and 60s")
            .description("How often each instance reads the list of running instances from the broker and"
                    + " recomputes which key groups it owns; a departed instance's key groups are claimed within"
                    + " about one interval of the broker noticing its departure.");

    /** Warm copies of other instances' key groups. */
    public static final ConfigOption<Integer> STANDBY_REPLICAS = ConfigOption.key("standby.replicas").intType()
            .defaultValue(0)
            .check(n -> n == 0 || n == 1, "must be 0 or 1")
            .description("With 1, each instance keeps a warm copy of the key groups it would take over if their"
                    + " owner left (its second choice by rendezvous hashing), by reading their changelogs every"
                    + " standby.interval, so that a take-over restores only a short tail. Costs local disk and"
                    + " changelog reads.");

    /** How often standby copies catch up. */
    public static final ConfigOption<Duration> STANDBY_INTERVAL = ConfigOption.key("standby.interval")
            .durationType().defaultValue(Duration.ofSeconds(1))
            .check(d -> d.toMillis() >= 10, "must be at least 10ms")
            .description("How often an instance brings its standby copies up to the end of their changelogs; the"
                    + " tail a take-over restores is about this much changelog.");

    /** Whether input topics must exist before the job starts. */
    public static final ConfigOption<Boolean> REQUIRE_INPUT_TOPICS = ConfigOption.key("input.topics.must.exist")
            .booleanType().defaultValue(true)
            .description("Fail at start when a persistent input topic does not exist, instead of letting the broker"
                    + " create it empty (which hides misspelt names).");

    /** Reprocess input published from this point on. */
    public static final ConfigOption<Instant> REPLAY_FROM = ConfigOption.key("replay.from").instantType()
            .description("At start, move the job's subscription on every input topic back (or forward) to the first"
                    + " message published at or after this time, and reprocess from there.");

    /** How long connecting and each broker operation may take. */
    public static final ConfigOption<Duration> OPERATION_TIMEOUT = ConfigOption.key("pulsar.operation.timeout")
            .durationType().defaultValue(Duration.ofSeconds(30))
            .check(d -> d.toMillis() >= 100, "must be at least 100ms")
            .description("How long a broker operation (lookup, subscribe, create producer, admin call) may take"
                    + " before it fails.");

    /** How long a commit may wait for output receipts. */
    public static final ConfigOption<Duration> SEND_TIMEOUT = ConfigOption.key("producer.send.timeout")
            .durationType().defaultValue(Duration.ofSeconds(30))
            .check(d -> d.toMillis() >= 100, "must be at least 100ms")
            .description("How long an output write may wait for the broker's receipt before the commit fails.");

    /** How long KEY_GROUP-batched outputs may wait for their batch to fill. */
    public static final ConfigOption<java.time.Duration> BATCH_LINGER = ConfigOption.key("producer.batch.linger")
            .durationType().defaultValue(java.time.Duration.ofMillis(10))
            .check(d -> !d.isNegative() && d.toMillis() <= 60_000, "must be 0 to 60 s")
            .description("KEY_GROUP sink batching: the longest an output waits for its key group's batch to fill"
                    + " before it is sent (a commit sends everything in any case); shorter lowers latency, longer makes"
                    + " fuller batches.");

    /** The most records in one producer batch. */
    public static final ConfigOption<Integer> BATCH_MAX_RECORDS = ConfigOption.key("producer.batch.max.records")
            .intType().defaultValue(1000)
            .check(n -> n >= 1, "must be positive")
            .description("The most records in one output batch (one broker entry).");

    /** The consumer's prefetch queue. */
    public static final ConfigOption<Integer> RECEIVER_QUEUE_SIZE = ConfigOption.key("consumer.receiver.queue.size")
            .intType().defaultValue(1000)
            .check(n -> n >= 1, "must be positive")
            .description("How many messages each input consumer prefetches.");

    /** How long a graceful stop may take. */
    public static final ConfigOption<Duration> SHUTDOWN_TIMEOUT = ConfigOption.key("shutdown.timeout").durationType()
            .defaultValue(Duration.ofSeconds(30))
            .description("How long a graceful stop may take to finish in-flight records and commit.");

    /** Where local state lives. */
    public static final ConfigOption<String> STATE_DIR = ConfigOption.key("state.dir").stringType()
            .defaultValue("/tmp/tributary-state")
            .description("The directory for local state; each job uses <state.dir>/<application.id>, locked by one"
                    + " process at a time.");

    /** How often local state is made durable on disk and checkpointed. */
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOption.key("state.checkpoint.interval")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .check(d -> !d.isNegative() && !d.isZero(), "must be positive")
            .description("How often stores are flushed to disk and their changelog positions checkpointed; a restart"
                    + " replays only the changelog written after the last checkpoint.");

    /** The record cache's size per store and task. */
    public static final ConfigOption<Integer> CACHE_MAX_RECORDS = ConfigOption.key("state.cache.max.records")
            .intType().defaultValue(10_000)
            .check(n -> n >= 1, "must be positive")
            .description("The most entries a store's write-back cache holds between commits before writing out the"
                    + " oldest.");

    /** When tables emit their updates. */
    public static final ConfigOption<TableEmit> TABLE_EMIT = ConfigOption.key("table.emit").enumType(TableEmit.class)
            .defaultValue(TableEmit.ON_COMMIT)
            .description("When tables emit updates: on-commit (one update per changed key per commit, deduplicated"
                    + " by the record cache) or on-update (every update).");

    /** The shared RocksDB block cache. */
    public static final ConfigOption<Long> ROCKSDB_BLOCK_CACHE_BYTES = ConfigOption.key("state.rocksdb.block-cache.bytes")
            .longType().defaultValue(64L << 20)
            .check(n -> n >= (1L << 20), "must be at least 1 MiB")
            .description("The block cache all RocksDB stores of the process share; memtables are charged to it.");

    /** The memtable budget. */
    public static final ConfigOption<Long> ROCKSDB_WRITE_BUFFER_BYTES = ConfigOption.key("state.rocksdb.write-buffer.bytes")
            .longType().defaultValue(32L << 20)
            .check(n -> n >= (1L << 20), "must be at least 1 MiB")
            .description("The most memory the memtables of all RocksDB stores of the process may use together; at"
                    + " most the block cache's size.");

    /** Where internal topics live. */
    public static final ConfigOption<String> INTERNAL_NAMESPACE = ConfigOption.key("internal.topics.namespace")
            .stringType().defaultValue("public/default")
            .check(s -> s.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+"), "must be tenant/namespace")
            .description("The namespace of the job's changelog and repartition topics.");

    /** What happens to a record that fails for good. */
    public static final ConfigOption<ErrorPolicy> ERROR_POLICY = ConfigOption.key("errors.policy")
            .enumType(ErrorPolicy.class).defaultValue(ErrorPolicy.DEAD_LETTER)
            .description("What happens to an input record that fails after its last attempt, does not decode, or is"
                    + " refused by an output topic: dead-letter (write it to the dead-letter topic, then acknowledge"
                    + " it), skip (count, log its message id, acknowledge it) or fail (stop the job; the record stays"
                    + " unacknowledged).");

    /** Per-node exceptions to {@link #ERROR_POLICY}. */
    public static final ConfigOption<String> ERROR_POLICY_NODES = ConfigOption.key("errors.policy.nodes").stringType()
            .defaultValue("")
            .check(s -> s.isBlank() || s.matches("\\s*[^=,\\s]+\\s*=\\s*[A-Za-z_-]+\\s*(,\\s*[^=,\\s]+\\s*=\\s*[A-Za-z_-]+\\s*)*"),
                    "must be node=policy pairs separated by commas, such as parse=skip,enrich=fail")
            .description("Error policies for single nodes, overriding errors.policy: node=policy pairs separated by"
                    + " commas. A source node's policy covers records that do not decode; a sink node's covers"
                    + " records its output topic refuses.");

    /** What happens to records that arrive for closed windows. */
    public static final ConfigOption<LatePolicy> LATE_POLICY = ConfigOption.key("windows.late.policy")
            .enumType(LatePolicy.class).defaultValue(LatePolicy.LATE_TOPIC)
            .description("What happens to a record that arrives for time windows that have all closed (end + grace"
                    + " reached by its key group's stream time): late-topic (write it unchanged to the late-records"
                    + " topic, then acknowledge it), dead-letter (to the dead-letter topic with kind late) or skip"
                    + " (count and acknowledge it). It is counted in tributary_late_records_total either way.");

    /** One late-records topic for the whole job. */
    public static final ConfigOption<String> LATE_TOPIC = ConfigOption.key("windows.late.topic").stringType()
            .description("The late-records topic of every input; by default each input topic has its own,"
                    + " <input topic>-<application.id>-late.");

    /** Lets the wall clock move a quiet key group's stream time. */
    public static final ConfigOption<Duration> IDLE_ADVANCE = ConfigOption.key("windows.idle.advance").durationType()
            .defaultValue(Duration.ZERO)
            .check(d -> !d.isNegative(), "must not be negative")
            .description("When positive, a key group that received no record for this long has its stream time"
                    + " moved to the wall clock minus this much, so that its windows close without new records."
                    + " Off (0) by default: it assumes record times follow the wall clock, and a record arriving"
                    + " more than this behind the wall clock may then be late.");

    /** How long the time-ordered input waits for a partition with nothing buffered. */
    public static final ConfigOption<Duration> PARTITION_MAX_WAIT = ConfigOption.key("input.partition.max-wait")
            .durationType().defaultValue(Duration.ofMillis(100))
            .check(d -> !d.isNegative(), "must not be negative")
            .description("In a topology with windows, records are taken across the input partitions in time order"
                    + " (the smallest head first); a partition with nothing buffered is waited for this long before"
                    + " the others go on without it, so that a catch-up does not make its records late.");

    /** How many times a failing record is tried. */
    public static final ConfigOption<Integer> RETRY_ATTEMPTS = ConfigOption.key("errors.retry.attempts").intType()
            .defaultValue(3)
            .check(n -> n >= 1 && n <= 1000, "must be between 1 and 1000")
            .description("How many times a record whose processing throws is tried in all, the first time included;"
                    + " 1 means no retry. Later records of the same key wait behind it; other keys keep flowing.");

    /** The first retry delay. */
    public static final ConfigOption<Duration> RETRY_INITIAL_DELAY = ConfigOption.key("errors.retry.initial-delay")
            .durationType().defaultValue(Duration.ofMillis(100))
            .check(d -> !d.isNegative(), "must not be negative")
            .description("How long a failed record waits before its first retry; each further retry waits twice as"
                    + " long, up to errors.retry.max-delay.");

    /** The longest retry delay. */
    public static final ConfigOption<Duration> RETRY_MAX_DELAY = ConfigOption.key("errors.retry.max-delay")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .check(d -> !d.isNegative(), "must not be negative")
            .description("The longest a failed record waits between two attempts.");

    /** How long a key may fail before readiness reports the instance degraded. */
    public static final ConfigOption<Duration> HELD_DEGRADED_AFTER = ConfigOption.key("errors.held.degraded-after")
            .durationType().defaultValue(Duration.ofMinutes(5))
            .check(d -> !d.isNegative() && !d.isZero(), "must be positive")
            .description("Once a key has failed this long (its record waiting for a retry, its later records held),"
                    + " /health/ready answers DEGRADED naming the key; it still answers 200, since the other keys"
                    + " flow. GET /held lists every failing key.");

    /** Records held behind failing keys, per key group, before the job stops fetching. */
    public static final ConfigOption<Integer> MAX_HELD_RECORDS = ConfigOption.key("errors.retry.max-held-per-key-group")
            .intType().defaultValue(1000)
            .check(n -> n >= 1, "must be positive")
            .description("The most records one key group may hold in memory behind its failing keys; past it the"
                    + " job stops fetching input until retries free some (records already fetched keep flowing)."
                    + " Nothing is dropped.");

    /** Where failed records go. */
    public static final ConfigOption<String> DEAD_LETTER_TOPIC = ConfigOption.key("errors.dead-letter.topic")
            .stringType()
            .description("The one dead-letter topic for all of the job's failed records; by default each input topic"
                    + " has its own, named <input topic>-<application.id>-DLQ in the input topic's namespace.");

    /** Whether the job serves metrics and health over HTTP. */
    public static final ConfigOption<Boolean> HTTP_ENABLED = ConfigOption.key("http.enabled").booleanType()
            .defaultValue(false)
            .description("Serve /metrics (Prometheus), /health/live and /health/ready over HTTP; the job launcher turns"
                    + " it on.");

    /** The address the HTTP endpoints bind to. */
    public static final ConfigOption<String> HTTP_BIND = ConfigOption.key("http.bind").stringType()
            .defaultValue("127.0.0.1")
            .description("The address /metrics and /health listen on: localhost unless set, 0.0.0.0 for every"
                    + " interface (in a container).");

    /** The HTTP port. */
    public static final ConfigOption<Integer> HTTP_PORT = ConfigOption.key("http.port").intType().defaultValue(9400)
            .check(n -> n >= 0 && n <= 65535, "must be between 0 and 65535 (0 picks a free port)")
            .description("The port /metrics and /health listen on.");

    /** The endpoint other instances forward queries to. */
    public static final ConfigOption<String> APPLICATION_SERVER = ConfigOption.key("application.server").stringType()
            .description("The HTTP endpoint (http://host:port) the other instances of the job forward state queries"
                    + " to, advertised through the job's membership; unset, http://<http.bind>:<http.port>, with the"
                    + " host's name when http.bind is 0.0.0.0. Set it when the instances reach each other by another"
                    + " address (a Kubernetes pod IP, say).");

    /** The token state queries must carry. */
    public static final ConfigOption<Secret> HTTP_QUERY_TOKEN = ConfigOption.key("http.query.token").secretType()
            .description("The bearer token the /stores endpoints require (Authorization: Bearer <token>); unset,"
                    + " the job's pulsar.auth.token (or the token in pulsar.auth.token-file) when it has one, and no"
                    + " token at all otherwise, when anyone who reaches http.bind may read the job's state.");

    /** How often the input backlog is read. */
    public static final ConfigOption<Duration> BACKLOG_INTERVAL = ConfigOption.key("metrics.backlog.interval")
            .durationType().defaultValue(Duration.ofSeconds(15))
            .check(d -> d.toMillis() >= 100, "must be at least 100ms")
            .description("How often the job's subscription backlog on each input topic is read from the broker for"
                    + " the tributary_input_backlog metric.");

    /** Every option, for documentation and validation. */
    public static List<ConfigOption<?>> all() {
        return List.of(APPLICATION_ID, SERVICE_URL, ADMIN_URL, LISTENER_NAME, AUTH_TOKEN, AUTH_TOKEN_FILE, TLS_TRUST_CERTS_FILE,
                TLS_HOSTNAME_VERIFICATION, TLS_ALLOW_INSECURE, TLS_CERT_FILE, TLS_KEY_FILE, COMMIT_INTERVAL, COMMIT_MAX_RECORDS,
                PROCESSING_GUARANTEE, TRANSACTION_TIMEOUT, REDELIVERY_GUARD, KEY_GROUPS,
                INSTANCE_ID, MEMBERSHIP_INTERVAL, STANDBY_REPLICAS, STANDBY_INTERVAL,
                REQUIRE_INPUT_TOPICS, REPLAY_FROM, OPERATION_TIMEOUT, SEND_TIMEOUT, BATCH_MAX_RECORDS, BATCH_LINGER,
                RECEIVER_QUEUE_SIZE, SHUTDOWN_TIMEOUT, STATE_DIR, CHECKPOINT_INTERVAL, CACHE_MAX_RECORDS, TABLE_EMIT,
                ROCKSDB_BLOCK_CACHE_BYTES, ROCKSDB_WRITE_BUFFER_BYTES, INTERNAL_NAMESPACE, ERROR_POLICY, ERROR_POLICY_NODES,
                RETRY_ATTEMPTS, RETRY_INITIAL_DELAY, RETRY_MAX_DELAY, MAX_HELD_RECORDS, HELD_DEGRADED_AFTER, DEAD_LETTER_TOPIC, LATE_POLICY,
                LATE_TOPIC, IDLE_ADVANCE, PARTITION_MAX_WAIT, HTTP_ENABLED,
                HTTP_BIND, HTTP_PORT, APPLICATION_SERVER, HTTP_QUERY_TOKEN, BACKLOG_INTERVAL);
    }
}

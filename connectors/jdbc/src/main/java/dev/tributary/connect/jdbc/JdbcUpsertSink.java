package dev.tributary.connect.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tributary.dsl.config.ConfigOption;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.config.Secret;
import dev.tributary.dsl.connect.ConnectorMetrics;
import dev.tributary.dsl.connect.Sink;
import dev.tributary.dsl.connect.SinkContext;
import dev.tributary.dsl.connect.SinkRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records into a PostgreSQL table as idempotent upserts on the key columns
 * ({@code INSERT ... ON CONFLICT (keys) DO UPDATE}); a record with a null value (a tombstone) deletes
 * its row. Each batch is one transaction. Value fields map to columns by name ({@code totalAmount}
 * also matches {@code total_amount}); columns without a field are set to null, fields without a
 * column are ignored. Values may be objects of a JSON or Avro schema, maps, JSON text or Pulsar
 * generic records; nested objects and lists go into {@code json}/{@code jsonb} columns as JSON.
 *
 * <p>Connection failures (SQL state class 08, shutdowns, serialization failures, deadlocks, pool
 * timeouts) fail the whole batch, which the runtime writes again until the database is back. Any
 * other error is the record's: the batch is written again record by record behind savepoints, and
 * the records the database refuses (a constraint, a value that does not fit its column) go to the
 * error policy (the dead-letter topic by default) with the database's message.
 */
public final class JdbcUpsertSink implements Sink<Object, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcUpsertSink.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The database. */
    public static final ConfigOption<String> URL = ConfigOption.key("url").stringType().required()
            .check(s -> s.startsWith("jdbc:postgresql:"), "must be a jdbc:postgresql: URL")
            .description("The JDBC URL of the PostgreSQL database, such as jdbc:postgresql://db:5432/app.");
    /** The user. */
    public static final ConfigOption<String> USER = ConfigOption.key("user").stringType()
            .description("The database user.");
    /** The password. */
    public static final ConfigOption<Secret> PASSWORD = ConfigOption.key("password").secretType()
            .description("The database password; never printed. Or password-file.");
    /** A file holding the password. */
    public static final ConfigOption<String> PASSWORD_FILE = ConfigOption.key("password-file").stringType()
            .description("A file holding the database password (a mounted secret, say).");
    /** The table. */
    public static final ConfigOption<String> TABLE = ConfigOption.key("table").stringType().required()
            .check(s -> s.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?"), "must be table or schema.table")
            .description("The table written to, optionally schema-qualified.");
    /** The conflict target. */
    public static final ConfigOption<String> KEY_COLUMNS = ConfigOption.key("key-columns").stringType().required()
            .check(s -> Arrays.stream(s.split(",")).allMatch(c -> c.trim().matches("[A-Za-z_][A-Za-z0-9_]*")),
                    "must be column names separated by commas")
            .description("The columns of the table's primary key or unique index, comma-separated. Each takes the"
                    + " value's field of that name; a single key column without such a field takes the record key.");
    /** Pool size. */
    public static final ConfigOption<Integer> POOL_SIZE = ConfigOption.key("pool-size").intType().defaultValue(2)
            .check(n -> n > 0 && n <= 100, "must be 1 to 100")
            .description("Connections in the pool.");
    /** Connection timeout. */
    public static final ConfigOption<java.time.Duration> CONNECT_TIMEOUT = ConfigOption.key("connect-timeout")
            .durationType().defaultValue(java.time.Duration.ofSeconds(5))
            .check(d -> d.toMillis() >= 250, "must be at least 250 ms")
            .description("How long to wait for a connection before the batch counts as unavailable.");

    private HikariDataSource pool;
    private String table;
    private List<String> columns;
    private List<String> keyColumns;
    private Map<String, String> columnTypes;
    private String upsertSql;
    private String deleteSql;
    private final Set<String> ignoredFields = new TreeSet<>();
    private ConnectorMetrics.Counter upserts;
    private ConnectorMetrics.Counter deletes;
    private ConnectorMetrics.Counter refused;

    @Override
    public List<ConfigOption<?>> options() {
        return List.of(URL, USER, PASSWORD, PASSWORD_FILE, TABLE, KEY_COLUMNS, POOL_SIZE, CONNECT_TIMEOUT);
    }

    @Override
    public void open(SinkContext context) throws Exception {
        Configuration config = context.config();
        String prefix = "connector." + context.name() + ".";
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.get(URL));
        hikari.setUsername(config.get(USER));
        if (config.get(PASSWORD) != null) {
            hikari.setPassword(config.get(PASSWORD).reveal());
        } else if (config.get(PASSWORD_FILE) != null) {
            hikari.setPassword(Files.readString(Path.of(config.get(PASSWORD_FILE)), StandardCharsets.UTF_8).trim());
        }
        hikari.setMaximumPoolSize(config.get(POOL_SIZE));
        hikari.setMinimumIdle(1);
        hikari.setAutoCommit(false);
        hikari.setConnectionTimeout(config.get(CONNECT_TIMEOUT).toMillis());
        hikari.setPoolName("tributary-" + context.name());
        // Strings are sent untyped, so the server casts keys and values to each column's type.
        hikari.addDataSourceProperty("stringtype", "unspecified");
        hikari.addDataSourceProperty("ApplicationName", "tributary-" + context.applicationId());
        try {
            pool = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw new SQLException("cannot connect to " + config.get(URL) + " (" + prefix + "url): " + rootMessage(e), e);
        }
        table = config.get(TABLE);
        keyColumns = Arrays.stream(config.get(KEY_COLUMNS).split(",")).map(String::trim)
                .map(c -> c.toLowerCase(Locale.ROOT)).toList();
        try (Connection connection = pool.getConnection()) {
            readColumns(connection, prefix);
            upsertSql = upsertSql();
            deleteSql = "DELETE FROM " + table + " WHERE " + keyColumns.stream().map(c -> quote(c) + " = ?")
                    .collect(Collectors.joining(" AND "));
            try (Statement check = connection.createStatement()) {
                // Planned, not run: fails now if no unique index matches the key columns.
                check.execute("EXPLAIN " + upsertSql.replace("?", "NULL"));
            } catch (SQLException e) {
                throw new SQLException("cannot upsert into table '" + table + "' on (" + String.join(", ", keyColumns)
                        + "): " + e.getMessage() + " — " + prefix + "key-columns must be the columns of a primary key"
                        + " or unique index", e);
            } finally {
                connection.rollback();
            }
        }
        upserts = context.metrics().counter("jdbc.rows.upserted");
        deletes = context.metrics().counter("jdbc.rows.deleted");
        refused = context.metrics().counter("jdbc.rows.refused");
        LOG.info("JDBC sink '{}' upserts into {} on ({}), columns {}", context.name(), table,
                String.join(", ", keyColumns), columns);
    }

    private void readColumns(Connection connection, String prefix) throws SQLException {
        String schema = null;
        String name = table;
        int dot = table.indexOf('.');
        if (dot > 0) {
            schema = table.substring(0, dot);
            name = table.substring(dot + 1);
        }
        columnTypes = new LinkedHashMap<>();
        DatabaseMetaData meta = connection.getMetaData();
        try (ResultSet rs = meta.getColumns(null, schema == null ? null : schema.toLowerCase(Locale.ROOT),
                name.toLowerCase(Locale.ROOT), null)) {
            while (rs.next()) {
                columnTypes.put(rs.getString("COLUMN_NAME"), rs.getString("TYPE_NAME"));
            }
        }
        if (columnTypes.isEmpty()) {
            throw new SQLException("table '" + table + "' (" + prefix + "table) does not exist in " + meta.getURL()
                    + " or has no columns the user can see");
        }
        for (String key : keyColumns) {
            if (!columnTypes.containsKey(key)) {
                throw new SQLException("key column '" + key + "' (" + prefix + "key-columns) is not a column of table '"
                        + table + "'; it has " + columnTypes.keySet());
            }
        }
        columns = List.copyOf(columnTypes.keySet());
    }

    private String upsertSql() {
        List<String> updates = columns.stream().filter(c -> !keyColumns.contains(c))
                .map(c -> quote(c) + " = EXCLUDED." + quote(c)).toList();
        return "INSERT INTO " + table + " (" + columns.stream().map(JdbcUpsertSink::quote).collect(Collectors.joining(", "))
                + ") VALUES (" + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ") ON CONFLICT ("
                + keyColumns.stream().map(JdbcUpsertSink::quote).collect(Collectors.joining(", ")) + ") "
                + (updates.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + String.join(", ", updates));
    }

    private static String quote(String column) {
        return "\"" + column + "\"";
    }

    @Override
    public void write(List<SinkRecord<Object, Object>> records) throws Exception {
        List<Object[]> rows = new ArrayList<>(records.size());
        for (SinkRecord<Object, Object> record : records) {
            try {
                rows.add(row(record));
            } catch (IllegalArgumentException e) {
                record.fail(e);
                refused.increment();
                rows.add(null);
            }
        }
        try (Connection connection = pool.getConnection()) {
            try {
                writeBatched(connection, records, rows);
                connection.commit();
            } catch (SQLException e) {
                rollbackQuietly(connection);
                if (unavailable(e)) {
                    throw e;
                }
                // Some record is at fault: find it, record by record.
                writeOneByOne(connection, records, rows);
                connection.commit();
            }
        } catch (SQLException e) {
            if (unavailable(e)) {
                throw new SQLException("database unavailable: " + rootMessage(e), e.getSQLState(), e);
            }
            throw e;
        } catch (RuntimeException | AssertionError e) {
            // The driver's own checks fail this way on a connection closed under it.
            throw new SQLException("database connection failed: " + rootMessage(e), "08006", e);
        }
    }

    /** Consecutive upserts and consecutive deletes each go as one JDBC batch, in record order. */
    private void writeBatched(Connection connection, List<SinkRecord<Object, Object>> records, List<Object[]> rows)
            throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(upsertSql);
             PreparedStatement delete = connection.prepareStatement(deleteSql)) {
            PreparedStatement open = null;
            long upserted = 0;
            long deleted = 0;
            for (int i = 0; i < records.size(); i++) {
                Object[] row = rows.get(i);
                if (row == null) {
                    continue;
                }
                boolean tombstone = records.get(i).value() == null;
                PreparedStatement statement = tombstone ? delete : upsert;
                if (open != null && open != statement) {
                    open.executeBatch();
                }
                open = statement;
                bind(statement, row);
                statement.addBatch();
                if (tombstone) {
                    deleted++;
                } else {
                    upserted++;
                }
            }
            if (open != null) {
                open.executeBatch();
            }
            upserts.increment(upserted);
            deletes.increment(deleted);
        }
    }

    private void writeOneByOne(Connection connection, List<SinkRecord<Object, Object>> records, List<Object[]> rows)
            throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(upsertSql);
             PreparedStatement delete = connection.prepareStatement(deleteSql)) {
            for (int i = 0; i < records.size(); i++) {
                Object[] row = rows.get(i);
                if (row == null) {
                    continue;
                }
                boolean tombstone = records.get(i).value() == null;
                PreparedStatement statement = tombstone ? delete : upsert;
                Savepoint savepoint = connection.setSavepoint();
                try {
                    bind(statement, row);
                    statement.executeUpdate();
                    connection.releaseSavepoint(savepoint);
                    (tombstone ? deletes : upserts).increment();
                } catch (SQLException e) {
                    if (unavailable(e)) {
                        throw e;
                    }
                    connection.rollback(savepoint);
                    refused.increment();
                    records.get(i).fail(new SQLException("table '" + table + "' refused the row: " + e.getMessage(),
                            e.getSQLState(), e));
                }
            }
        }
    }

    private static void bind(PreparedStatement statement, Object[] row) throws SQLException {
        for (int i = 0; i < row.length; i++) {
            statement.setObject(i + 1, row[i]);
        }
    }

    /** The statement parameters: all columns for an upsert, the key columns for a delete. */
    private Object[] row(SinkRecord<Object, Object> record) {
        Map<String, Object> fields = record.value() == null ? Map.of() : fields(record.value());
        Map<String, Object> byColumn = new LinkedHashMap<>();
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            String column = columnFor(field.getKey());
            if (column == null) {
                if (ignoredFields.add(field.getKey())) {
                    LOG.warn("Field '{}' has no column in table '{}'; it is not written", field.getKey(), table);
                }
                continue;
            }
            byColumn.put(column, columnValue(field.getValue()));
        }
        for (String key : keyColumns) {
            if (byColumn.get(key) == null) {
                if (keyColumns.size() == 1 && record.key() != null) {
                    byColumn.put(key, record.key().toString());
                } else {
                    throw new IllegalArgumentException("the record has no value for key column '" + key + "' of table '"
                            + table + "'");
                }
            }
        }
        List<String> order = record.value() == null ? keyColumns : columns;
        Object[] row = new Object[order.size()];
        for (int i = 0; i < row.length; i++) {
            row[i] = byColumn.get(order.get(i));
        }
        return row;
    }

    private String columnFor(String field) {
        String lower = field.toLowerCase(Locale.ROOT);
        if (columnTypes.containsKey(lower)) {
            return lower;
        }
        String snake = field.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        return columnTypes.containsKey(snake) ? snake : null;
    }

    private static Object columnValue(Object value) {
        if (value instanceof Map<?, ?> || value instanceof List<?> || value instanceof JsonNode) {
            try {
                return JSON.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot write a nested value as JSON: " + e.getMessage(), e);
            }
        }
        if (value instanceof CharSequence || value instanceof Number || value instanceof Boolean || value == null) {
            return value instanceof CharSequence text ? text.toString() : value;
        }
        return value.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fields(Object value) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        if (value instanceof org.apache.pulsar.client.api.schema.GenericRecord generic) {
            Map<String, Object> fields = new LinkedHashMap<>();
            for (org.apache.pulsar.client.api.schema.Field field : generic.getFields()) {
                Object v = generic.getField(field);
                fields.put(field.getName(), v instanceof org.apache.pulsar.client.api.schema.GenericRecord
                        ? fields(v) : v);
            }
            return fields;
        }
        try {
            if (value instanceof String text) {
                return JSON.readValue(text, Map.class);
            }
            if (value instanceof byte[] bytes) {
                return JSON.readValue(bytes, Map.class);
            }
            return JSON.convertValue(value, Map.class);
        } catch (Exception e) {
            throw new IllegalArgumentException("the value is not an object with fields (" + value.getClass().getSimpleName()
                    + "): " + rootMessage(e), e);
        }
    }

    /** Connection trouble, as opposed to a statement the database refuses. */
    static boolean unavailable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P") || state.equals("40001")
                        || state.equals("40P01")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The connection is broken; the pool replaces it.
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.close();
        }
    }
}

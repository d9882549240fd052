/** JDBC: an upsert sink into PostgreSQL tables. */
package dev.tributary.connect.jdbc;

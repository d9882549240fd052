/** Orders posted over HTTP, totalled per customer, upserted into PostgreSQL. */
package dev.tributary.examples.orders;

/** One JVM running embedded Kafka, the registry and the services: the README's run command (built out by "The token path"). */
package dev.parley.standalone;

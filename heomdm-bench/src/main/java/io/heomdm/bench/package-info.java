/**
 * The experiment harness (DESIGN.md §6): Kafka-only, SQS-only, hybrid and Kafka-queues set-ups on
 * the same workload. Built by issue 4; empty until then.
 */
package io.heomdm.bench;

/** Load generators and benchmarks (built out with the features they measure). */
package dev.parley.bench;

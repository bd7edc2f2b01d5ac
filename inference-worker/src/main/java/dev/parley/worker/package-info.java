/** The turn consumer, LLM backends and the simulator (built out by "The token path"). */
package dev.parley.worker;

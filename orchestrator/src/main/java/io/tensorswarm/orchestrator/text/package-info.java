/** Text shown to people (the dashboard), cleaned of control, bidi and other invisible characters. */
package io.tensorswarm.orchestrator.text;

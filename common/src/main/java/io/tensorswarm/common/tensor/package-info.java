/**
 * Tensors as named parameter sets ({@link io.tensorswarm.common.tensor.ParameterSet}), element
 * types, and weight-delta math on plain float arrays. No DJL here: these types are what files,
 * storage and the network carry; the model converts to and from them.
 */
package io.tensorswarm.common.tensor;

package io.tensorswarm.common.tensor;

/**
 * The first NaN or infinite element of a parameter set.
 *
 * @param tensor name of the tensor holding it
 * @param index flat (row-major) index of the element within the tensor
 * @param value the value (NaN, +Inf or -Inf)
 */
public record NonFiniteValue(String tensor, long index, float value) {
    @Override
    public String toString() {
        return "tensor " + tensor + " element " + index + " is " + value;
    }
}

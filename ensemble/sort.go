package ensemble

import (
	"math"
	"slices"
)

// A sort key packs a float32 value and a sample index into a uint64 whose unsigned order is
// the value's order: the value's order-preserving bits in the high half, the sample in the
// low half. Sorting keys moves each sample with its value, as scikit-learn's introsort
// moves Xf and samples together.

// sortKey returns the key of sample s with value v (not NaN).
func sortKey(v float32, s int32) uint64 {
	b := math.Float32bits(v)
	if b&(1<<31) != 0 {
		b = ^b
	} else {
		b |= 1 << 31
	}
	return uint64(b)<<32 | uint64(uint32(s))
}

// keyValue returns the value packed in key k.
func keyValue(k uint64) float32 {
	b := uint32(k >> 32)
	if b&(1<<31) != 0 {
		b &^= 1 << 31
	} else {
		b = ^b
	}
	return math.Float32frombits(b)
}

// keySample returns the sample packed in key k.
func keySample(k uint64) int32 { return int32(uint32(k)) }

// radixMin is the length from which sortKeys uses radix sort.
const radixMin = 128

// sortKeys sorts keys by value, using buf (of at least len(keys)) as scratch: a
// least-significant-digit radix sort on the four value bytes for long slices (passes in
// which every key has the same digit are skipped), pdqsort for short ones.
func sortKeys(keys, buf []uint64) {
	n := len(keys)
	if n < radixMin {
		slices.Sort(keys)
		return
	}
	var counts [4][256]int32
	for _, k := range keys {
		counts[0][byte(k>>32)]++
		counts[1][byte(k>>40)]++
		counts[2][byte(k>>48)]++
		counts[3][byte(k>>56)]++
	}
	src, dst := keys, buf[:n]
	for pass := range 4 {
		c := &counts[pass]
		shift := 32 + 8*pass
		if c[byte(src[0]>>shift)] == int32(n) {
			continue // one digit for all keys
		}
		sum := int32(0)
		for i, v := range c {
			c[i] = sum
			sum += v
		}
		for _, k := range src {
			d := byte(k >> shift)
			dst[c[d]] = k
			c[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &keys[0] {
		copy(keys, src)
	}
}

//go:build amd64 && !noasm

#include "textflag.h"

// Lane tables for 2×2 pooling: the even positions of 32 values (odd ones are these + 1), and
// the interleaving a0 b0 a1 b1 … of two 16-lane vectors (the high half is this + 8).
DATA poolEven<>+0(SB)/4, $0
DATA poolEven<>+4(SB)/4, $2
DATA poolEven<>+8(SB)/4, $4
DATA poolEven<>+12(SB)/4, $6
DATA poolEven<>+16(SB)/4, $8
DATA poolEven<>+20(SB)/4, $10
DATA poolEven<>+24(SB)/4, $12
DATA poolEven<>+28(SB)/4, $14
DATA poolEven<>+32(SB)/4, $16
DATA poolEven<>+36(SB)/4, $18
DATA poolEven<>+40(SB)/4, $20
DATA poolEven<>+44(SB)/4, $22
DATA poolEven<>+48(SB)/4, $24
DATA poolEven<>+52(SB)/4, $26
DATA poolEven<>+56(SB)/4, $28
DATA poolEven<>+60(SB)/4, $30
GLOBL poolEven<>(SB), RODATA|NOPTR, $64

DATA poolLo<>+0(SB)/4, $0
DATA poolLo<>+4(SB)/4, $16
DATA poolLo<>+8(SB)/4, $1
DATA poolLo<>+12(SB)/4, $17
DATA poolLo<>+16(SB)/4, $2
DATA poolLo<>+20(SB)/4, $18
DATA poolLo<>+24(SB)/4, $3
DATA poolLo<>+28(SB)/4, $19
DATA poolLo<>+32(SB)/4, $4
DATA poolLo<>+36(SB)/4, $20
DATA poolLo<>+40(SB)/4, $5
DATA poolLo<>+44(SB)/4, $21
DATA poolLo<>+48(SB)/4, $6
DATA poolLo<>+52(SB)/4, $22
DATA poolLo<>+56(SB)/4, $7
DATA poolLo<>+60(SB)/4, $23
GLOBL poolLo<>(SB), RODATA|NOPTR, $64

// func maxPool2x2Row(dst *float32, idx *int64, top, bot *float32, blocks int, tail *[3]int, base, w int)
// One output row of 2×2, stride-2 max pooling: for each output column x, the first maximum of
// top[2x], top[2x+1], bot[2x], bot[2x+1] (NaN wins) goes to dst[x] and its flat position
// base + 2x + {0, 1, w, w+1} to idx[x]. blocks full blocks of 16 columns run first, then one
// block under the masks tail = {output lanes, low input lanes, high input lanes} unless
// tail[0] is 0.
TEXT ·maxPool2x2Row(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ idx+8(FP), R8
	MOVQ top+16(FP), SI
	MOVQ bot+24(FP), DX
	MOVQ blocks+32(FP), CX
	MOVQ tail+40(FP), R9
	MOVQ base+48(FP), AX
	MOVQ w+56(FP), BX
	VMOVDQU32 poolEven<>(SB), Z20 // even positions
	MOVL $1, R10
	VPBROADCASTD R10, Z21
	VPADDD Z21, Z20, Z22          // odd positions
	VPBROADCASTD AX, Z23          // base + 2x for the block's lanes
	VPADDD Z20, Z23, Z23
	MOVL $32, R10
	VPBROADCASTD R10, Z24         // 2·16: next block
	VPXORD Z25, Z25, Z25          // offset 0
	                              // Z21: offset 1
	VPBROADCASTD BX, Z26          // offset w
	VPADDD Z21, Z26, Z27          // offset w+1
	MOVQ $0xffff, R10
	KMOVW R10, K1
	KMOVW R10, K2
	KMOVW R10, K3
	MOVQ $0, R11                  // 1 once the tail is set up
pblock:
	TESTQ CX, CX
	JNZ pbody
	TESTQ R11, R11
	JNZ pdone
	MOVQ 0(R9), R10
	TESTQ R10, R10
	JZ pdone
	KMOVW R10, K1
	KMOVW 8(R9), K2
	KMOVW 16(R9), K3
	MOVQ $1, R11
	MOVQ $1, CX
pbody:
	VMOVUPS.Z (SI), K2, Z0
	VMOVUPS.Z 64(SI), K3, Z1
	VMOVUPS.Z (DX), K2, Z2
	VMOVUPS.Z 64(DX), K3, Z3
	VMOVAPS Z0, Z4
	VPERMT2PS Z1, Z20, Z4         // a: top even
	VMOVAPS Z0, Z5
	VPERMT2PS Z1, Z22, Z5         // b: top odd
	VMOVAPS Z2, Z6
	VPERMT2PS Z3, Z20, Z6         // c: bottom even
	VMOVAPS Z2, Z7
	VPERMT2PS Z3, Z22, Z7         // d: bottom odd
	VMOVAPS Z4, Z8                // best
	VMOVDQA32 Z25, Z9             // its offset
	VCMPPS $0x1e, Z8, Z5, K4   // candidate > best
	VCMPPS $3, Z5, Z5, K5  // candidate is NaN
	VCMPPS $7, Z8, Z8, K6          // best is not NaN
	KANDW K5, K6, K5
	KORW K4, K5, K4
	VMOVAPS Z5, K4, Z8
	VMOVDQA32 Z21, K4, Z9
	VCMPPS $0x1e, Z8, Z6, K4   // candidate > best
	VCMPPS $3, Z6, Z6, K5  // candidate is NaN
	VCMPPS $7, Z8, Z8, K6          // best is not NaN
	KANDW K5, K6, K5
	KORW K4, K5, K4
	VMOVAPS Z6, K4, Z8
	VMOVDQA32 Z26, K4, Z9
	VCMPPS $0x1e, Z8, Z7, K4   // candidate > best
	VCMPPS $3, Z7, Z7, K5  // candidate is NaN
	VCMPPS $7, Z8, Z8, K6          // best is not NaN
	KANDW K5, K6, K5
	KORW K4, K5, K4
	VMOVAPS Z7, K4, Z8
	VMOVDQA32 Z27, K4, Z9
	VMOVUPS Z8, K1, (DI)
	VPADDD Z23, Z9, Z9            // flat positions
	VPMOVSXDQ Y9, Z10
	VEXTRACTI64X4 $1, Z9, Y11
	VPMOVSXDQ Y11, Z11
	KSHIFTRW $8, K1, K4
	VMOVDQU64 Z10, K1, (R8)
	VMOVDQU64 Z11, K4, 64(R8)
	VPADDD Z24, Z23, Z23
	ADDQ $128, SI
	ADDQ $128, DX
	ADDQ $64, DI
	ADDQ $128, R8
	DECQ CX
	JMP pblock
pdone:
	VZEROUPPER
	RET

// func maxPool2x2BackRow(top, bot, gy *float32, idx *int64, blocks int, tail *[3]int, base, w int)
// The gradient of one output row of maxPool2x2Row: writes gy[x] to the input position idx[x]
// names and 0 to the other three of its window, covering top[0, 2·ow) and bot[0, 2·ow).
TEXT ·maxPool2x2BackRow(SB), NOSPLIT, $0-64
	MOVQ top+0(FP), DI
	MOVQ bot+8(FP), R8
	MOVQ gy+16(FP), SI
	MOVQ idx+24(FP), DX
	MOVQ blocks+32(FP), CX
	MOVQ tail+40(FP), R9
	MOVQ base+48(FP), AX
	MOVQ w+56(FP), BX
	VMOVDQU32 poolEven<>(SB), Z20
	VMOVDQU32 poolLo<>(SB), Z28   // interleave, low half
	MOVL $8, R10
	VPBROADCASTD R10, Z29
	VPADDD Z29, Z28, Z29          // interleave, high half
	MOVL $1, R10
	VPBROADCASTD R10, Z21
	VPBROADCASTD AX, Z23
	VPADDD Z20, Z23, Z23
	MOVL $32, R10
	VPBROADCASTD R10, Z24
	VPBROADCASTD BX, Z26
	VPADDD Z21, Z26, Z27
	MOVQ $0xffff, R10
	KMOVW R10, K1
	KMOVW R10, K2
	KMOVW R10, K3
	MOVQ $0, R11
bblock:
	TESTQ CX, CX
	JNZ bbody
	TESTQ R11, R11
	JNZ bdone
	MOVQ 0(R9), R10
	TESTQ R10, R10
	JZ bdone
	KMOVW R10, K1
	KMOVW 8(R9), K2
	KMOVW 16(R9), K3
	MOVQ $1, R11
	MOVQ $1, CX
bbody:
	KSHIFTRW $8, K1, K4
	VMOVUPS.Z (SI), K1, Z0        // gradient
	VMOVDQU64.Z (DX), K1, Z1
	VMOVDQU64.Z 64(DX), K4, Z2
	VPMOVQD Z1, Y1
	VPMOVQD Z2, Y2
	VINSERTI64X4 $1, Y2, Z1, Z1
	VPSUBD Z23, Z1, Z1            // offset within the window
	VPXORD Z3, Z3, Z3
	VPCMPEQD Z3, Z1, K5
	VMOVAPS.Z Z0, K5, Z4          // a
	VPCMPEQD Z21, Z1, K5
	VMOVAPS.Z Z0, K5, Z5          // b
	VPCMPEQD Z26, Z1, K5
	VMOVAPS.Z Z0, K5, Z6          // c
	VPCMPEQD Z27, Z1, K5
	VMOVAPS.Z Z0, K5, Z7          // d
	VMOVAPS Z4, Z8
	VPERMT2PS Z5, Z28, Z8
	VMOVAPS Z4, Z9
	VPERMT2PS Z5, Z29, Z9
	VMOVAPS Z6, Z10
	VPERMT2PS Z7, Z28, Z10
	VMOVAPS Z6, Z11
	VPERMT2PS Z7, Z29, Z11
	VMOVUPS Z8, K2, (DI)
	VMOVUPS Z9, K3, 64(DI)
	VMOVUPS Z10, K2, (R8)
	VMOVUPS Z11, K3, 64(R8)
	VPADDD Z24, Z23, Z23
	ADDQ $64, SI
	ADDQ $128, DX
	ADDQ $128, DI
	ADDQ $128, R8
	DECQ CX
	JMP bblock
bdone:
	VZEROUPPER
	RET

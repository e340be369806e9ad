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

// poolMask8 gives AVX2 dword masks (the 8 values ending at poolMask8+32 − 4n have their
// first n lanes set) and poolMaskQ qword masks (4 values ending at poolMaskQ+32 − 8n).
DATA poolMask8<>+0(SB)/8, $0xffffffffffffffff
DATA poolMask8<>+8(SB)/8, $0xffffffffffffffff
DATA poolMask8<>+16(SB)/8, $0xffffffffffffffff
DATA poolMask8<>+24(SB)/8, $0xffffffffffffffff
DATA poolMask8<>+32(SB)/8, $0
DATA poolMask8<>+40(SB)/8, $0
DATA poolMask8<>+48(SB)/8, $0
DATA poolMask8<>+56(SB)/8, $0
GLOBL poolMask8<>(SB), RODATA|NOPTR, $64

DATA poolLane2<>+0(SB)/4, $0
DATA poolLane2<>+4(SB)/4, $2
DATA poolLane2<>+8(SB)/4, $4
DATA poolLane2<>+12(SB)/4, $6
DATA poolLane2<>+16(SB)/4, $8
DATA poolLane2<>+20(SB)/4, $10
DATA poolLane2<>+24(SB)/4, $12
DATA poolLane2<>+28(SB)/4, $14
GLOBL poolLane2<>(SB), RODATA|NOPTR, $32

// func maxPool2x2RowAVX2(dst *float32, idx *int64, top, bot *float32, blocks, tail, base, w int)
// maxPool2x2Row for AVX2, 8 output columns a block: blocks full blocks, then one of tail
// (0…7) columns. Loads and stores are masked, so nothing past the row is touched.
TEXT ·maxPool2x2RowAVX2(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ idx+8(FP), R8
	MOVQ top+16(FP), SI
	MOVQ bot+24(FP), DX
	MOVQ blocks+32(FP), CX
	MOVQ tail+40(FP), R9
	MOVQ base+48(FP), AX
	MOVQ w+56(FP), BX
	VMOVD AX, X10
	VPBROADCASTD X10, Y10
	VPADDD poolLane2<>(SB), Y10, Y10 // flat positions of the block's windows
	MOVL $16, AX
	VMOVD AX, X11
	VPBROADCASTD X11, Y11            // 2·8: the next block
	MOVL $1, AX
	VMOVD AX, X12
	VPBROADCASTD X12, Y12            // offset 1
	VMOVD BX, X13
	VPBROADCASTD X13, Y13            // offset w
	VPADDD Y12, Y13, Y14             // offset w+1
	LEAQ poolMask8<>+32(SB), R10
	VMOVUPS -32(R10), Y15            // all lanes
	VMOVUPS Y15, Y9                  // low-half input lanes
	VMOVUPS Y15, Y8                  // high-half input lanes
	MOVQ $0, R11                     // 1 once the tail is set up
a2pblock:
	TESTQ CX, CX
	JNZ a2pbody
	TESTQ R11, R11
	JNZ a2pdone
	TESTQ R9, R9
	JZ a2pdone
	MOVQ R10, AX
	MOVQ R9, R12
	SHLQ $2, R12
	SUBQ R12, AX
	VMOVUPS (AX), Y15                // output lanes
	MOVQ R9, R12
	SHLQ $1, R12                     // 2·tail input values
	MOVQ R12, R13
	CMPQ R13, $8
	JLE a2plo
	MOVQ $8, R13
a2plo:
	MOVQ R10, AX
	SHLQ $2, R13
	SUBQ R13, AX
	VMOVUPS (AX), Y9
	SUBQ $8, R12
	JGE a2phi
	MOVQ $0, R12
a2phi:
	MOVQ R10, AX
	SHLQ $2, R12
	SUBQ R12, AX
	VMOVUPS (AX), Y8
	MOVQ $1, R11
	MOVQ $1, CX
a2pbody:
	VMASKMOVPS (SI), Y9, Y0
	VMASKMOVPS 32(SI), Y8, Y1
	VMASKMOVPS (DX), Y9, Y2
	VMASKMOVPS 32(DX), Y8, Y3
	VSHUFPS $0x88, Y1, Y0, Y4
	VPERMPD $0xd8, Y4, Y4            // a: top even
	VSHUFPS $0xdd, Y1, Y0, Y5
	VPERMPD $0xd8, Y5, Y5            // b: top odd
	VSHUFPS $0x88, Y3, Y2, Y6
	VPERMPD $0xd8, Y6, Y6            // c: bottom even
	VSHUFPS $0xdd, Y3, Y2, Y7
	VPERMPD $0xd8, Y7, Y7            // d: bottom odd
	VXORPS Y1, Y1, Y1                // offset of the best so far
	VCMPPS $0x1e, Y4, Y5, Y0      // candidate > best
	VCMPPS $3, Y5, Y5, Y2     // candidate is NaN
	VCMPPS $7, Y4, Y4, Y3             // best is not NaN
	VANDPS Y3, Y2, Y2
	VORPS Y2, Y0, Y0
	VBLENDVPS Y0, Y5, Y4, Y4
	VBLENDVPS Y0, Y12, Y1, Y1
	VCMPPS $0x1e, Y4, Y6, Y0      // candidate > best
	VCMPPS $3, Y6, Y6, Y2     // candidate is NaN
	VCMPPS $7, Y4, Y4, Y3             // best is not NaN
	VANDPS Y3, Y2, Y2
	VORPS Y2, Y0, Y0
	VBLENDVPS Y0, Y6, Y4, Y4
	VBLENDVPS Y0, Y13, Y1, Y1
	VCMPPS $0x1e, Y4, Y7, Y0      // candidate > best
	VCMPPS $3, Y7, Y7, Y2     // candidate is NaN
	VCMPPS $7, Y4, Y4, Y3             // best is not NaN
	VANDPS Y3, Y2, Y2
	VORPS Y2, Y0, Y0
	VBLENDVPS Y0, Y7, Y4, Y4
	VBLENDVPS Y0, Y14, Y1, Y1
	VMASKMOVPS Y4, Y15, (DI)
	VPADDD Y10, Y1, Y1               // flat positions
	VPMOVSXDQ X1, Y2
	VEXTRACTI128 $1, Y1, X3
	VPMOVSXDQ X3, Y3
	VPMOVSXDQ X15, Y4                // qword masks from the dword mask
	VEXTRACTI128 $1, Y15, X5
	VPMOVSXDQ X5, Y5
	VPMASKMOVQ Y2, Y4, (R8)
	VPMASKMOVQ Y3, Y5, 32(R8)
	VPADDD Y11, Y10, Y10
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $32, DI
	ADDQ $64, R8
	DECQ CX
	JMP a2pblock
a2pdone:
	VZEROUPPER
	RET

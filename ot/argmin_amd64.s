//go:build !purego

#include "textflag.h"

// func argminShiftAVX2(row, pt []float64, pii float64, vals *[8]float64, idx *[8]int64, c *[13]uint64)
//
// Two accumulators of 4 lanes: lanes 0..3 take k = 8t+0..3, lanes 4..7
// take k = 8t+4..7. A lane takes a new value only when it is strictly
// smaller, so it keeps the first index of its minimum.
//	Y0 pii          Y1, Y2 minimum values    Y3, Y4 current indices
//	Y5, Y6 indices of the minima    Y7 index step (8)
TEXT ·argminShiftAVX2(SB), NOSPLIT, $0-80
	MOVQ         row_base+0(FP), SI
	MOVQ         row_len+8(FP), CX
	MOVQ         pt_base+24(FP), DI
	VBROADCASTSD pii+48(FP), Y0
	MOVQ         vals+56(FP), R8
	MOVQ         idx+64(FP), R9
	MOVQ         c+72(FP), R10
	VBROADCASTSD 96(R10), Y1
	VMOVAPD      Y1, Y2
	VMOVDQU      0(R10), Y3
	VMOVDQU      32(R10), Y4
	VMOVDQU      64(R10), Y7
	VPXOR        Y5, Y5, Y5
	VPXOR        Y6, Y6, Y6
	SHRQ         $3, CX
	JZ           done

loop:
	VADDPD    (SI), Y0, Y8
	VSUBPD    (DI), Y8, Y8
	VADDPD    32(SI), Y0, Y9
	VSUBPD    32(DI), Y9, Y9
	VCMPPD    $1, Y1, Y8, Y10  // Y10 = Y8 < Y1
	VCMPPD    $1, Y2, Y9, Y11
	VBLENDVPD Y10, Y8, Y1, Y1
	VBLENDVPD Y11, Y9, Y2, Y2
	VBLENDVPD Y10, Y3, Y5, Y5
	VBLENDVPD Y11, Y4, Y6, Y6
	VPADDQ    Y7, Y3, Y3
	VPADDQ    Y7, Y4, Y4
	ADDQ      $64, SI
	ADDQ      $64, DI
	DECQ      CX
	JNZ       loop

done:
	VMOVUPD Y1, 0(R8)
	VMOVUPD Y2, 32(R8)
	VMOVDQU Y5, 0(R9)
	VMOVDQU Y6, 32(R9)
	VZEROUPPER
	RET

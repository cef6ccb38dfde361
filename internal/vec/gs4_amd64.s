//go:build amd64 && !purego

#include "textflag.h"

// func dot4FMA(v0, v1, v2, v3, w []float64) (s0, s1, s2, s3 float64)
//
// Y0/Y1, Y2/Y3, Y4/Y5, Y6/Y7 accumulate v0…v3 against w on the even and
// odd groups of four elements; Y8, Y9 hold w. The pairs are added, then
// the four lanes, then the tail of fewer than four elements.
TEXT ·dot4FMA(SB), NOSPLIT, $0-152
	MOVQ v0_base+0(FP), R8
	MOVQ v1_base+24(FP), R9
	MOVQ v2_base+48(FP), R10
	MOVQ v3_base+72(FP), R11
	MOVQ w_base+96(FP), SI
	MOVQ w_len+104(FP), CX
	XORQ AX, AX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	MOVQ CX, DX
	ANDQ $-8, DX
	JZ   dot_tail4

dot_loop8:
	VMOVUPD     (SI)(AX*8), Y8
	VMOVUPD     32(SI)(AX*8), Y9
	VFMADD231PD (R8)(AX*8), Y8, Y0
	VFMADD231PD 32(R8)(AX*8), Y9, Y1
	VFMADD231PD (R9)(AX*8), Y8, Y2
	VFMADD231PD 32(R9)(AX*8), Y9, Y3
	VFMADD231PD (R10)(AX*8), Y8, Y4
	VFMADD231PD 32(R10)(AX*8), Y9, Y5
	VFMADD231PD (R11)(AX*8), Y8, Y6
	VFMADD231PD 32(R11)(AX*8), Y9, Y7
	ADDQ        $8, AX
	CMPQ        AX, DX
	JLT         dot_loop8

dot_tail4:
	MOVQ CX, DX
	SUBQ AX, DX
	CMPQ DX, $4
	JLT  dot_reduce
	VMOVUPD     (SI)(AX*8), Y8
	VFMADD231PD (R8)(AX*8), Y8, Y0
	VFMADD231PD (R9)(AX*8), Y8, Y2
	VFMADD231PD (R10)(AX*8), Y8, Y4
	VFMADD231PD (R11)(AX*8), Y8, Y6
	ADDQ        $4, AX

dot_reduce:
	VADDPD       Y1, Y0, Y0
	VADDPD       Y3, Y2, Y2
	VADDPD       Y5, Y4, Y4
	VADDPD       Y7, Y6, Y6
	VEXTRACTF128 $1, Y0, X1
	VEXTRACTF128 $1, Y2, X3
	VEXTRACTF128 $1, Y4, X5
	VEXTRACTF128 $1, Y6, X7
	VADDPD       X1, X0, X0
	VADDPD       X3, X2, X2
	VADDPD       X5, X4, X4
	VADDPD       X7, X6, X6
	VHADDPD      X0, X0, X0
	VHADDPD      X2, X2, X2
	VHADDPD      X4, X4, X4
	VHADDPD      X6, X6, X6
	CMPQ         AX, CX
	JGE          dot_done

dot_loop1:
	VMOVSD      (SI)(AX*8), X8
	VFMADD231SD (R8)(AX*8), X8, X0
	VFMADD231SD (R9)(AX*8), X8, X2
	VFMADD231SD (R10)(AX*8), X8, X4
	VFMADD231SD (R11)(AX*8), X8, X6
	INCQ        AX
	CMPQ        AX, CX
	JLT         dot_loop1

dot_done:
	VMOVSD X0, s0+120(FP)
	VMOVSD X2, s1+128(FP)
	VMOVSD X4, s2+136(FP)
	VMOVSD X6, s3+144(FP)
	VZEROUPPER
	RET

// func axpy4FMA(w []float64, c0, c1, c2, c3 float64, v0, v1, v2, v3 []float64)
//
// Y0…Y3 hold c0…c3 broadcast; Y4…Y7 hold sixteen elements of w, then
// four, then one (X4) in the tails.
TEXT ·axpy4FMA(SB), NOSPLIT, $0-152
	MOVQ         w_base+0(FP), DI
	MOVQ         w_len+8(FP), CX
	VBROADCASTSD c0+24(FP), Y0
	VBROADCASTSD c1+32(FP), Y1
	VBROADCASTSD c2+40(FP), Y2
	VBROADCASTSD c3+48(FP), Y3
	MOVQ         v0_base+56(FP), R8
	MOVQ         v1_base+80(FP), R9
	MOVQ         v2_base+104(FP), R10
	MOVQ         v3_base+128(FP), R11
	XORQ         AX, AX
	MOVQ         CX, DX
	ANDQ         $-16, DX
	JZ           axpy_tail4

axpy_loop16:
	VMOVUPD     (DI)(AX*8), Y4
	VMOVUPD     32(DI)(AX*8), Y5
	VMOVUPD     64(DI)(AX*8), Y6
	VMOVUPD     96(DI)(AX*8), Y7
	VFMADD231PD (R8)(AX*8), Y0, Y4
	VFMADD231PD 32(R8)(AX*8), Y0, Y5
	VFMADD231PD 64(R8)(AX*8), Y0, Y6
	VFMADD231PD 96(R8)(AX*8), Y0, Y7
	VFMADD231PD (R9)(AX*8), Y1, Y4
	VFMADD231PD 32(R9)(AX*8), Y1, Y5
	VFMADD231PD 64(R9)(AX*8), Y1, Y6
	VFMADD231PD 96(R9)(AX*8), Y1, Y7
	VFMADD231PD (R10)(AX*8), Y2, Y4
	VFMADD231PD 32(R10)(AX*8), Y2, Y5
	VFMADD231PD 64(R10)(AX*8), Y2, Y6
	VFMADD231PD 96(R10)(AX*8), Y2, Y7
	VFMADD231PD (R11)(AX*8), Y3, Y4
	VFMADD231PD 32(R11)(AX*8), Y3, Y5
	VFMADD231PD 64(R11)(AX*8), Y3, Y6
	VFMADD231PD 96(R11)(AX*8), Y3, Y7
	VMOVUPD     Y4, (DI)(AX*8)
	VMOVUPD     Y5, 32(DI)(AX*8)
	VMOVUPD     Y6, 64(DI)(AX*8)
	VMOVUPD     Y7, 96(DI)(AX*8)
	ADDQ        $16, AX
	CMPQ        AX, DX
	JLT         axpy_loop16

axpy_tail4:
	MOVQ CX, DX
	ANDQ $-4, DX
	CMPQ AX, DX
	JGE  axpy_tail1

axpy_loop4:
	VMOVUPD     (DI)(AX*8), Y4
	VFMADD231PD (R8)(AX*8), Y0, Y4
	VFMADD231PD (R9)(AX*8), Y1, Y4
	VFMADD231PD (R10)(AX*8), Y2, Y4
	VFMADD231PD (R11)(AX*8), Y3, Y4
	VMOVUPD     Y4, (DI)(AX*8)
	ADDQ        $4, AX
	CMPQ        AX, DX
	JLT         axpy_loop4

axpy_tail1:
	CMPQ AX, CX
	JGE  axpy_done

axpy_loop1:
	VMOVSD      (DI)(AX*8), X4
	VFMADD231SD (R8)(AX*8), X0, X4
	VFMADD231SD (R9)(AX*8), X1, X4
	VFMADD231SD (R10)(AX*8), X2, X4
	VFMADD231SD (R11)(AX*8), X3, X4
	VMOVSD      X4, (DI)(AX*8)
	INCQ        AX
	CMPQ        AX, CX
	JLT         axpy_loop1

axpy_done:
	VZEROUPPER
	RET

// func comb4FMA(o0, o1, o2, o3, c []float64, basis [][]float64, off int)
//
// o_i[t] = Σ_l c[4l+i]·basis[l][off+t], l in order, for t < len(o0).
// Twelve elements at a time: Y0…Y11 accumulate o0 … o3 (three registers
// each) over all basis vectors (Y12…Y14: the basis elements, Y15 each
// coefficient broadcast in turn), then are stored: 7 loads per 12 FMAs,
// which keeps the FMA ports busier than the 8-element step's 7 loads per
// 8. Then eight at a time: Y0/Y1 … Y6/Y7 (Y8, Y9: the basis elements;
// Y10…Y13: the four coefficients); then four at a time (Y0, Y2, Y4, Y6),
// then one (X0, X2, X4, X6). Every step sums each element in basis order
// from zero, so the result does not depend on which step formed it. BX walks the slice headers of
// basis (24 bytes each, reloaded from the frame for every group of
// elements), R12 the coefficients, R13 counts them down.
// The caller guarantees len(basis) ≥ 1.
TEXT ·comb4FMA(SB), NOSPLIT, $0-152
	MOVQ o0_base+0(FP), DI
	MOVQ o0_len+8(FP), CX
	MOVQ o1_base+24(FP), R9
	MOVQ o2_base+48(FP), R10
	MOVQ o3_base+72(FP), R11
	MOVQ c_base+96(FP), SI
	MOVQ off+144(FP), DX
	SHLQ $3, DX
	XORQ AX, AX

comb_loop12:
	MOVQ CX, R8
	SUBQ AX, R8
	CMPQ R8, $12
	JLT  comb_loop8
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	VXORPD Y8, Y8, Y8
	VXORPD Y9, Y9, Y9
	VXORPD Y10, Y10, Y10
	VXORPD Y11, Y11, Y11
	MOVQ   basis_base+120(FP), BX
	MOVQ   SI, R12
	MOVQ   basis_len+128(FP), R13

comb_in12:
	MOVQ         (BX), R8
	ADDQ         DX, R8
	VMOVUPD      (R8)(AX*8), Y12
	VMOVUPD      32(R8)(AX*8), Y13
	VMOVUPD      64(R8)(AX*8), Y14
	VBROADCASTSD (R12), Y15
	VFMADD231PD  Y12, Y15, Y0
	VFMADD231PD  Y13, Y15, Y1
	VFMADD231PD  Y14, Y15, Y2
	VBROADCASTSD 8(R12), Y15
	VFMADD231PD  Y12, Y15, Y3
	VFMADD231PD  Y13, Y15, Y4
	VFMADD231PD  Y14, Y15, Y5
	VBROADCASTSD 16(R12), Y15
	VFMADD231PD  Y12, Y15, Y6
	VFMADD231PD  Y13, Y15, Y7
	VFMADD231PD  Y14, Y15, Y8
	VBROADCASTSD 24(R12), Y15
	VFMADD231PD  Y12, Y15, Y9
	VFMADD231PD  Y13, Y15, Y10
	VFMADD231PD  Y14, Y15, Y11
	ADDQ         $24, BX
	ADDQ         $32, R12
	DECQ         R13
	JNZ          comb_in12
	VMOVUPD      Y0, (DI)(AX*8)
	VMOVUPD      Y1, 32(DI)(AX*8)
	VMOVUPD      Y2, 64(DI)(AX*8)
	VMOVUPD      Y3, (R9)(AX*8)
	VMOVUPD      Y4, 32(R9)(AX*8)
	VMOVUPD      Y5, 64(R9)(AX*8)
	VMOVUPD      Y6, (R10)(AX*8)
	VMOVUPD      Y7, 32(R10)(AX*8)
	VMOVUPD      Y8, 64(R10)(AX*8)
	VMOVUPD      Y9, (R11)(AX*8)
	VMOVUPD      Y10, 32(R11)(AX*8)
	VMOVUPD      Y11, 64(R11)(AX*8)
	ADDQ         $12, AX
	JMP          comb_loop12

comb_loop8:
	MOVQ CX, R8
	SUBQ AX, R8
	CMPQ R8, $8
	JLT  comb_tail4
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	MOVQ   basis_base+120(FP), BX
	MOVQ   SI, R12
	MOVQ   basis_len+128(FP), R13

comb_in8:
	MOVQ         (BX), R8
	ADDQ         DX, R8
	VMOVUPD      (R8)(AX*8), Y8
	VMOVUPD      32(R8)(AX*8), Y9
	VBROADCASTSD (R12), Y10
	VBROADCASTSD 8(R12), Y11
	VBROADCASTSD 16(R12), Y12
	VBROADCASTSD 24(R12), Y13
	VFMADD231PD  Y8, Y10, Y0
	VFMADD231PD  Y9, Y10, Y1
	VFMADD231PD  Y8, Y11, Y2
	VFMADD231PD  Y9, Y11, Y3
	VFMADD231PD  Y8, Y12, Y4
	VFMADD231PD  Y9, Y12, Y5
	VFMADD231PD  Y8, Y13, Y6
	VFMADD231PD  Y9, Y13, Y7
	ADDQ         $24, BX
	ADDQ         $32, R12
	DECQ         R13
	JNZ          comb_in8
	VMOVUPD      Y0, (DI)(AX*8)
	VMOVUPD      Y1, 32(DI)(AX*8)
	VMOVUPD      Y2, (R9)(AX*8)
	VMOVUPD      Y3, 32(R9)(AX*8)
	VMOVUPD      Y4, (R10)(AX*8)
	VMOVUPD      Y5, 32(R10)(AX*8)
	VMOVUPD      Y6, (R11)(AX*8)
	VMOVUPD      Y7, 32(R11)(AX*8)
	ADDQ         $8, AX
	JMP          comb_loop8

comb_tail4:
	CMPQ   R8, $4
	JLT    comb_tail1
	VXORPD Y0, Y0, Y0
	VXORPD Y2, Y2, Y2
	VXORPD Y4, Y4, Y4
	VXORPD Y6, Y6, Y6
	MOVQ   basis_base+120(FP), BX
	MOVQ   SI, R12
	MOVQ   basis_len+128(FP), R13

comb_in4:
	MOVQ         (BX), R8
	ADDQ         DX, R8
	VMOVUPD      (R8)(AX*8), Y8
	VBROADCASTSD (R12), Y10
	VBROADCASTSD 8(R12), Y11
	VBROADCASTSD 16(R12), Y12
	VBROADCASTSD 24(R12), Y13
	VFMADD231PD  Y8, Y10, Y0
	VFMADD231PD  Y8, Y11, Y2
	VFMADD231PD  Y8, Y12, Y4
	VFMADD231PD  Y8, Y13, Y6
	ADDQ         $24, BX
	ADDQ         $32, R12
	DECQ         R13
	JNZ          comb_in4
	VMOVUPD      Y0, (DI)(AX*8)
	VMOVUPD      Y2, (R9)(AX*8)
	VMOVUPD      Y4, (R10)(AX*8)
	VMOVUPD      Y6, (R11)(AX*8)
	ADDQ         $4, AX

comb_tail1:
	CMPQ AX, CX
	JGE  comb_done

comb_loop1:
	VXORPD X0, X0, X0
	VXORPD X2, X2, X2
	VXORPD X4, X4, X4
	VXORPD X6, X6, X6
	MOVQ   basis_base+120(FP), BX
	MOVQ   SI, R12
	MOVQ   basis_len+128(FP), R13

comb_in1:
	MOVQ        (BX), R8
	ADDQ        DX, R8
	VMOVSD      (R8)(AX*8), X8
	VFMADD231SD (R12), X8, X0
	VFMADD231SD 8(R12), X8, X2
	VFMADD231SD 16(R12), X8, X4
	VFMADD231SD 24(R12), X8, X6
	ADDQ        $24, BX
	ADDQ        $32, R12
	DECQ        R13
	JNZ         comb_in1
	VMOVSD      X0, (DI)(AX*8)
	VMOVSD      X2, (R9)(AX*8)
	VMOVSD      X4, (R10)(AX*8)
	VMOVSD      X6, (R11)(AX*8)
	INCQ        AX
	CMPQ        AX, CX
	JLT         comb_loop1

comb_done:
	VZEROUPPER
	RET

// func dot2x4FMA(s *[8]float64, a0, a1, b0, b1, b2, b3 []float64)
//
// s[4i+j] = aᵢᵀbⱼ over len(a0) elements. Y0…Y3 accumulate a0 against
// b0…b3 and Y4…Y7 a1 against them, four elements at a time (Y8, Y9: a0,
// a1; Y10: the b); the lanes are then summed, and the tail of fewer than
// four elements added with scalar FMAs.
TEXT ·dot2x4FMA(SB), NOSPLIT, $0-152
	MOVQ   a0_base+8(FP), SI
	MOVQ   a0_len+16(FP), CX
	MOVQ   a1_base+32(FP), DI
	MOVQ   b0_base+56(FP), R8
	MOVQ   b1_base+80(FP), R9
	MOVQ   b2_base+104(FP), R10
	MOVQ   b3_base+128(FP), R11
	XORQ   AX, AX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	MOVQ   CX, DX
	ANDQ   $-4, DX
	JZ     d24_reduce

d24_loop4:
	VMOVUPD     (SI)(AX*8), Y8
	VMOVUPD     (DI)(AX*8), Y9
	VMOVUPD     (R8)(AX*8), Y10
	VFMADD231PD Y8, Y10, Y0
	VFMADD231PD Y9, Y10, Y4
	VMOVUPD     (R9)(AX*8), Y10
	VFMADD231PD Y8, Y10, Y1
	VFMADD231PD Y9, Y10, Y5
	VMOVUPD     (R10)(AX*8), Y10
	VFMADD231PD Y8, Y10, Y2
	VFMADD231PD Y9, Y10, Y6
	VMOVUPD     (R11)(AX*8), Y10
	VFMADD231PD Y8, Y10, Y3
	VFMADD231PD Y9, Y10, Y7
	ADDQ        $4, AX
	CMPQ        AX, DX
	JLT         d24_loop4

d24_reduce:
	VEXTRACTF128 $1, Y0, X8
	VADDPD       X8, X0, X0
	VHADDPD      X0, X0, X0
	VEXTRACTF128 $1, Y1, X8
	VADDPD       X8, X1, X1
	VHADDPD      X1, X1, X1
	VEXTRACTF128 $1, Y2, X8
	VADDPD       X8, X2, X2
	VHADDPD      X2, X2, X2
	VEXTRACTF128 $1, Y3, X8
	VADDPD       X8, X3, X3
	VHADDPD      X3, X3, X3
	VEXTRACTF128 $1, Y4, X8
	VADDPD       X8, X4, X4
	VHADDPD      X4, X4, X4
	VEXTRACTF128 $1, Y5, X8
	VADDPD       X8, X5, X5
	VHADDPD      X5, X5, X5
	VEXTRACTF128 $1, Y6, X8
	VADDPD       X8, X6, X6
	VHADDPD      X6, X6, X6
	VEXTRACTF128 $1, Y7, X8
	VADDPD       X8, X7, X7
	VHADDPD      X7, X7, X7
	CMPQ         AX, CX
	JGE          d24_done

d24_loop1:
	VMOVSD      (SI)(AX*8), X8
	VMOVSD      (DI)(AX*8), X9
	VMOVSD      (R8)(AX*8), X10
	VFMADD231SD X8, X10, X0
	VFMADD231SD X9, X10, X4
	VMOVSD      (R9)(AX*8), X10
	VFMADD231SD X8, X10, X1
	VFMADD231SD X9, X10, X5
	VMOVSD      (R10)(AX*8), X10
	VFMADD231SD X8, X10, X2
	VFMADD231SD X9, X10, X6
	VMOVSD      (R11)(AX*8), X10
	VFMADD231SD X8, X10, X3
	VFMADD231SD X9, X10, X7
	INCQ        AX
	CMPQ        AX, CX
	JLT         d24_loop1

d24_done:
	MOVQ   s+0(FP), BX
	VMOVSD X0, (BX)
	VMOVSD X1, 8(BX)
	VMOVSD X2, 16(BX)
	VMOVSD X3, 24(BX)
	VMOVSD X4, 32(BX)
	VMOVSD X5, 40(BX)
	VMOVSD X6, 48(BX)
	VMOVSD X7, 56(BX)
	VZEROUPPER
	RET

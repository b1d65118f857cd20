;; The convolution's data movement in WebAssembly SIMD (engine/kernels/wasmConv.ts calls it): the
;; input padded, its patches unfolded straight into the operands of the matrix-product kernel
;; (engine/wasm/gemm.wat), the product's rows scattered into the output with the bias, and the
;; adjoint fold ("col2im") of the data gradient. Everything lies in the engine's one kernel memory
;; (engine/kernels/wasmMemory.ts): addresses are byte offsets, sizes are counts of floats.
;;
;; Positions and entries. A position f = (n, i, j) of a batch (n < images, i < oh, j < ow, in that
;; order) reads its source at
;;   base(f) = n·imageStride + i·rowStep + j·colStep                               (floats)
;; and its entry e at base(f) + table[e]/4, table[e] a byte offset (entry_offsets writes it).
;; A convolution on the padded input (planes hp × wp) has imageStride = C·hp·wp,
;; rowStep = stride_h·wp, colStep = stride_w and, for e = (c·kh + a)·kw + b,
;; table[e] = (c·hp·wp + a·dilate_h·wp + b·dilate_w)·4. The output gradient dy (N, O, P) read by
;; filter is the same with one row of P positions (oh = 1, ow = P) and table[o] = o·P·4.
;;
;; The memory is imported, shared between threads where the platform allows it (the build also
;; makes a variant without `shared`); these functions run on the calling thread only.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; dst (planes × (h + 2ph) × (w + 2pw)) = src (planes × h × w) with ph rows and pw columns of
  ;; zeros on each side: the padded input, so that no unfolding loop tests a bound.
  (func (export "pad_planes")
    (param $src i32) (param $dst i32) (param $planes i32) (param $h i32) (param $w i32) (param $ph i32) (param $pw i32)
    (local $wp i32) (local $hp i32) (local $to i32) (local $row i32) (local $plane i32) (local $rowBytes i32)
    (local.set $wp (i32.add (local.get $w) (i32.shl (local.get $pw) (i32.const 1))))
    (local.set $hp (i32.add (local.get $h) (i32.shl (local.get $ph) (i32.const 1))))
    (local.set $rowBytes (i32.shl (local.get $w) (i32.const 2)))
    (memory.fill (local.get $dst) (i32.const 0)
      (i32.shl (i32.mul (local.get $planes) (i32.mul (local.get $hp) (local.get $wp))) (i32.const 2)))
    (local.set $plane (i32.const 0))
    (block $planesDone
      (loop $planesLoop
        (br_if $planesDone (i32.ge_u (local.get $plane) (local.get $planes)))
        ;; the plane's first cell of x: row ph, column pw of the padded plane
        (local.set $to (i32.add (local.get $dst) (i32.shl
          (i32.add (i32.mul (i32.add (i32.mul (local.get $plane) (local.get $hp)) (local.get $ph)) (local.get $wp)) (local.get $pw))
          (i32.const 2))))
        (local.set $row (i32.const 0))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $h)))
            (memory.copy (local.get $to) (local.get $src) (local.get $rowBytes))
            (local.set $src (i32.add (local.get $src) (local.get $rowBytes)))
            (local.set $to (i32.add (local.get $to) (i32.shl (local.get $wp) (i32.const 2))))
            (local.set $row (i32.add (local.get $row) (i32.const 1)))
            (br $rows)))
        (local.set $plane (i32.add (local.get $plane) (i32.const 1)))
        (br $planesLoop))))

  ;; The inverse of pad_planes: dst (planes × h × w) = the interior of src (planes × (h + 2ph) × (w + 2pw)).
  (func (export "crop_planes")
    (param $src i32) (param $dst i32) (param $planes i32) (param $h i32) (param $w i32) (param $ph i32) (param $pw i32)
    (local $wp i32) (local $hp i32) (local $from i32) (local $row i32) (local $plane i32) (local $rowBytes i32)
    (local.set $wp (i32.add (local.get $w) (i32.shl (local.get $pw) (i32.const 1))))
    (local.set $hp (i32.add (local.get $h) (i32.shl (local.get $ph) (i32.const 1))))
    (local.set $rowBytes (i32.shl (local.get $w) (i32.const 2)))
    (local.set $plane (i32.const 0))
    (block $planesDone
      (loop $planesLoop
        (br_if $planesDone (i32.ge_u (local.get $plane) (local.get $planes)))
        (local.set $from (i32.add (local.get $src) (i32.shl
          (i32.add (i32.mul (i32.add (i32.mul (local.get $plane) (local.get $hp)) (local.get $ph)) (local.get $wp)) (local.get $pw))
          (i32.const 2))))
        (local.set $row (i32.const 0))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $h)))
            (memory.copy (local.get $dst) (local.get $from) (local.get $rowBytes))
            (local.set $dst (i32.add (local.get $dst) (local.get $rowBytes)))
            (local.set $from (i32.add (local.get $from) (i32.shl (local.get $wp) (i32.const 2))))
            (local.set $row (i32.add (local.get $row) (i32.const 1)))
            (br $rows)))
        (local.set $plane (i32.add (local.get $plane) (i32.const 1)))
        (br $planesLoop))))

  ;; table[e] = (c·planeFloats + a·rowStep + b·colStep)·4 for e = (c·kh + a)·kw + b: the byte offset
  ;; of each patch entry from its position's base.
  (func (export "entry_offsets")
    (param $table i32) (param $channels i32) (param $planeFloats i32) (param $kh i32) (param $kw i32) (param $rowStep i32) (param $colStep i32)
    (local $c i32) (local $a i32) (local $b i32)
    (local.set $c (i32.const 0))
    (block $cDone
      (loop $cLoop
        (br_if $cDone (i32.ge_u (local.get $c) (local.get $channels)))
        (local.set $a (i32.const 0))
        (block $aDone
          (loop $aLoop
            (br_if $aDone (i32.ge_u (local.get $a) (local.get $kh)))
            (local.set $b (i32.const 0))
            (block $bDone
              (loop $bLoop
                (br_if $bDone (i32.ge_u (local.get $b) (local.get $kw)))
                (i32.store (local.get $table) (i32.shl (i32.add
                  (i32.add (i32.mul (local.get $c) (local.get $planeFloats)) (i32.mul (local.get $a) (local.get $rowStep)))
                  (i32.mul (local.get $b) (local.get $colStep))) (i32.const 2)))
                (local.set $table (i32.add (local.get $table) (i32.const 4)))
                (local.set $b (i32.add (local.get $b) (i32.const 1)))
                (br $bLoop)))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (br $aLoop)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $cLoop))))

  ;; base(f) in bytes, f clamped to the last position (the lanes of the last panel past the end
  ;; repeat it: their columns of the product are never read).
  (func $base (param $f i32) (param $positions i32) (param $area i32) (param $ow i32)
    (param $imageStride i32) (param $rowStep i32) (param $colStep i32) (result i32)
    (local $n i32) (local $r i32) (local $i i32)
    (if (i32.ge_u (local.get $f) (local.get $positions)) (then (local.set $f (i32.sub (local.get $positions) (i32.const 1)))))
    (local.set $n (i32.div_u (local.get $f) (local.get $area)))
    (local.set $r (i32.sub (local.get $f) (i32.mul (local.get $n) (local.get $area))))
    (local.set $i (i32.div_u (local.get $r) (local.get $ow)))
    (i32.shl (i32.add (i32.add (i32.mul (local.get $n) (local.get $imageStride)) (i32.mul (local.get $i) (local.get $rowStep)))
      (i32.mul (i32.sub (local.get $r) (i32.mul (local.get $i) (local.get $ow))) (local.get $colStep))) (i32.const 2)))

  ;; The patches as the product's right operand, packed in panels of 8 positions (gemm.wat's B):
  ;; panel g holds, for e = 0 … entries−1, entry e of positions 8g … 8g+7. Eight positions in one
  ;; row with colStep 1 lie side by side in the source: two vector copies per entry; else eight
  ;; scalar ones.
  (func (export "gather_panels")
    (param $src i32) (param $dst i32) (param $table i32) (param $entries i32)
    (param $images i32) (param $imageStride i32) (param $oh i32) (param $ow i32) (param $rowStep i32) (param $colStep i32)
    (local $positions i32) (local $area i32) (local $f i32) (local $e i32) (local $o i32) (local $entryEnd i32)
    (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32) (local $b4 i32) (local $b5 i32) (local $b6 i32) (local $b7 i32)
    (local.set $area (i32.mul (local.get $oh) (local.get $ow)))
    (local.set $positions (i32.mul (local.get $images) (local.get $area)))
    (local.set $entryEnd (i32.add (local.get $table) (i32.shl (local.get $entries) (i32.const 2))))
    (local.set $f (i32.const 0))
    (block $done
      (loop $panels
        (br_if $done (i32.ge_u (local.get $f) (local.get $positions)))
        (local.set $b0 (i32.add (local.get $src) (call $base (local.get $f) (local.get $positions) (local.get $area) (local.get $ow) (local.get $imageStride) (local.get $rowStep) (local.get $colStep))))
        (if (i32.and (i32.eq (local.get $colStep) (i32.const 1))
              (i32.le_u (i32.add (i32.rem_u (i32.rem_u (local.get $f) (local.get $area)) (local.get $ow)) (i32.const 8)) (local.get $ow)))
          (then
            ;; side by side: entry e of the 8 positions is 8 consecutive floats of the source
            (local.set $e (local.get $table))
            (block $copiesDone
              (loop $copies
                (br_if $copiesDone (i32.ge_u (local.get $e) (local.get $entryEnd)))
                (local.set $o (i32.add (local.get $b0) (i32.load (local.get $e))))
                (v128.store (local.get $dst) (v128.load (local.get $o)))
                (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $o)))
                (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
                (local.set $e (i32.add (local.get $e) (i32.const 4)))
                (br $copies))))
          (else
            (local.set $b1 (i32.add (local.get $src) (call $base (i32.add (local.get $f) (i32.const 1)) (local.get $positions) (local.get $area) (local.get $ow) (local.get $imageStride) (local.get $rowStep) (local.get $colStep))))
            (local.set $b2 (i32.add (local.get $src) (call $base (i32.add (local.get $f) (i32.const 2)) (local.get $positions) (local.get $area) (local.get $ow) (local.get $imageStride) (local.get $rowStep) (local.get $colStep))))
            (local.set $b3 (i32.add (local.get $src) (call $base (i32.add (local.get $f) (i32.const 3)) (local.get $positions) (local.get $area) (local.get $ow) (local.get $imageStride) (local.get $rowStep) (local.get $colStep))))
            (local.set $b4 (i32.add (local.get $src) (call $base (i32.add (local.get $f) (i32.const 4)) (local.get $positions) (local.get $area) (local.get $ow) (local.get $imageStride) (local.get $rowStep) (local.get $colStep))))
            (local.set $b5 (i32.add (local.get $src) (call $base (i32.add (local.get $f) (i32.const 5)) (local.get $positions) (local.get $area) (local.get $ow) (local.get $imageStride) (local.get $rowStep) (local.get $colStep))))
            (local.set $b6 (i32.add (local.get $src) (call $base (i32.add (local.get $f) (i32.const 6)) (local.get $positions) (local.get $area) (local.get $ow) (local.get $imageStride) (local.get $rowStep) (local.get $colStep))))
            (local.set $b7 (i32.add (local.get $src) (call $base (i32.add (local.get $f) (i32.const 7)) (local.get $positions) (local.get $area) (local.get $ow) (local.get $imageStride) (local.get $rowStep) (local.get $colStep))))
            (local.set $e (local.get $table))
            (block $gathersDone
              (loop $gathers
                (br_if $gathersDone (i32.ge_u (local.get $e) (local.get $entryEnd)))
                (local.set $o (i32.load (local.get $e)))
                (f32.store offset=0 (local.get $dst) (f32.load (i32.add (local.get $b0) (local.get $o))))
                (f32.store offset=4 (local.get $dst) (f32.load (i32.add (local.get $b1) (local.get $o))))
                (f32.store offset=8 (local.get $dst) (f32.load (i32.add (local.get $b2) (local.get $o))))
                (f32.store offset=12 (local.get $dst) (f32.load (i32.add (local.get $b3) (local.get $o))))
                (f32.store offset=16 (local.get $dst) (f32.load (i32.add (local.get $b4) (local.get $o))))
                (f32.store offset=20 (local.get $dst) (f32.load (i32.add (local.get $b5) (local.get $o))))
                (f32.store offset=24 (local.get $dst) (f32.load (i32.add (local.get $b6) (local.get $o))))
                (f32.store offset=28 (local.get $dst) (f32.load (i32.add (local.get $b7) (local.get $o))))
                (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
                (local.set $e (i32.add (local.get $e) (i32.const 4)))
                (br $gathers)))))
        (local.set $f (i32.add (local.get $f) (i32.const 8)))
        (br $panels))))

  ;; The patches as the product's left operand, one row per entry (the "im2col" matrix, entries ×
  ;; positions, row-major): row e holds entry e of every position in order. A row of positions
  ;; with colStep 1 is a run of the source: copied four floats at a time.
  (func (export "gather_rows")
    (param $src i32) (param $dst i32) (param $table i32) (param $entries i32)
    (param $images i32) (param $imageStride i32) (param $oh i32) (param $ow i32) (param $rowStep i32) (param $colStep i32)
    (local $e i32) (local $entryEnd i32) (local $n i32) (local $i i32) (local $s i32) (local $left i32)
    (local.set $entryEnd (i32.add (local.get $table) (i32.shl (local.get $entries) (i32.const 2))))
    (local.set $e (local.get $table))
    (block $entriesDone
      (loop $entriesLoop
        (br_if $entriesDone (i32.ge_u (local.get $e) (local.get $entryEnd)))
        (local.set $n (i32.const 0))
        (block $imagesDone
          (loop $imagesLoop
            (br_if $imagesDone (i32.ge_u (local.get $n) (local.get $images)))
            (local.set $i (i32.const 0))
            (block $rowsDone
              (loop $rows
                (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $oh)))
                (local.set $s (i32.add (i32.add (local.get $src) (i32.load (local.get $e)))
                  (i32.shl (i32.add (i32.mul (local.get $n) (local.get $imageStride)) (i32.mul (local.get $i) (local.get $rowStep))) (i32.const 2))))
                (local.set $left (local.get $ow))
                (if (i32.eq (local.get $colStep) (i32.const 1))
                  (then
                    (block $runDone
                      (loop $run
                        (br_if $runDone (i32.lt_u (local.get $left) (i32.const 4)))
                        (v128.store (local.get $dst) (v128.load (local.get $s)))
                        (local.set $s (i32.add (local.get $s) (i32.const 16)))
                        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
                        (local.set $left (i32.sub (local.get $left) (i32.const 4)))
                        (br $run)))
                    (block $tailDone
                      (loop $tail
                        (br_if $tailDone (i32.eqz (local.get $left)))
                        (f32.store (local.get $dst) (f32.load (local.get $s)))
                        (local.set $s (i32.add (local.get $s) (i32.const 4)))
                        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
                        (local.set $left (i32.sub (local.get $left) (i32.const 1)))
                        (br $tail))))
                  (else
                    (block $stridedDone
                      (loop $strided
                        (br_if $stridedDone (i32.eqz (local.get $left)))
                        (f32.store (local.get $dst) (f32.load (local.get $s)))
                        (local.set $s (i32.add (local.get $s) (i32.shl (local.get $colStep) (i32.const 2))))
                        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
                        (local.set $left (i32.sub (local.get $left) (i32.const 1)))
                        (br $strided)))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $rows)))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (br $imagesLoop)))
        (local.set $e (i32.add (local.get $e) (i32.const 4)))
        (br $entriesLoop))))

  ;; The adjoint of gather_rows ("col2im"): every entry of cols (entries × positions, rows ldc
  ;; floats apart) is added back where gather_rows would have read it. Image by image, entries in
  ;; order: each cell of dst receives its terms in the order of e, as the JS fold adds them.
  (func (export "fold_rows")
    (param $cols i32) (param $ldc i32) (param $dst i32) (param $table i32) (param $entries i32)
    (param $images i32) (param $imageStride i32) (param $oh i32) (param $ow i32) (param $rowStep i32) (param $colStep i32)
    (local $e i32) (local $entryEnd i32) (local $n i32) (local $i i32) (local $s i32) (local $c i32) (local $left i32)
    (local.set $entryEnd (i32.add (local.get $table) (i32.shl (local.get $entries) (i32.const 2))))
    (local.set $n (i32.const 0))
    (block $imagesDone
      (loop $imagesLoop
        (br_if $imagesDone (i32.ge_u (local.get $n) (local.get $images)))
        (local.set $e (local.get $table))
        (block $entriesDone
          (loop $entriesLoop
            (br_if $entriesDone (i32.ge_u (local.get $e) (local.get $entryEnd)))
            ;; row e of cols, from this image's first position
            (local.set $c (i32.add (local.get $cols) (i32.shl (i32.add
              (i32.mul (i32.shr_u (i32.sub (local.get $e) (local.get $table)) (i32.const 2)) (local.get $ldc))
              (i32.mul (local.get $n) (i32.mul (local.get $oh) (local.get $ow)))) (i32.const 2))))
            (local.set $i (i32.const 0))
            (block $rowsDone
              (loop $rows
                (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $oh)))
                (local.set $s (i32.add (i32.add (local.get $dst) (i32.load (local.get $e)))
                  (i32.shl (i32.add (i32.mul (local.get $n) (local.get $imageStride)) (i32.mul (local.get $i) (local.get $rowStep))) (i32.const 2))))
                (local.set $left (local.get $ow))
                (if (i32.eq (local.get $colStep) (i32.const 1))
                  (then
                    (block $runDone
                      (loop $run
                        (br_if $runDone (i32.lt_u (local.get $left) (i32.const 4)))
                        (v128.store (local.get $s) (f32x4.add (v128.load (local.get $s)) (v128.load (local.get $c))))
                        (local.set $s (i32.add (local.get $s) (i32.const 16)))
                        (local.set $c (i32.add (local.get $c) (i32.const 16)))
                        (local.set $left (i32.sub (local.get $left) (i32.const 4)))
                        (br $run)))
                    (block $tailDone
                      (loop $tail
                        (br_if $tailDone (i32.eqz (local.get $left)))
                        (f32.store (local.get $s) (f32.add (f32.load (local.get $s)) (f32.load (local.get $c))))
                        (local.set $s (i32.add (local.get $s) (i32.const 4)))
                        (local.set $c (i32.add (local.get $c) (i32.const 4)))
                        (local.set $left (i32.sub (local.get $left) (i32.const 1)))
                        (br $tail))))
                  (else
                    (block $stridedDone
                      (loop $strided
                        (br_if $stridedDone (i32.eqz (local.get $left)))
                        (f32.store (local.get $s) (f32.add (f32.load (local.get $s)) (f32.load (local.get $c))))
                        (local.set $s (i32.add (local.get $s) (i32.shl (local.get $colStep) (i32.const 2))))
                        (local.set $c (i32.add (local.get $c) (i32.const 4)))
                        (local.set $left (i32.sub (local.get $left) (i32.const 1)))
                        (br $strided)))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $rows)))
            (local.set $e (i32.add (local.get $e) (i32.const 4)))
            (br $entriesLoop)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $imagesLoop))))

  ;; The forward product's result c (og rows × images·P columns, rows ldc floats apart: row o,
  ;; column n·P + q) into out (images × filters × P), plus bias[o] when hasBias: out and bias point
  ;; at the group's first filter.
  (func (export "scatter_output")
    (param $c i32) (param $ldc i32) (param $out i32) (param $images i32) (param $filters i32) (param $og i32)
    (param $positions i32) (param $bias i32) (param $hasBias i32)
    (local $n i32) (local $o i32) (local $s i32) (local $d i32) (local $left i32) (local $add f32) (local $add4 v128)
    (local.set $n (i32.const 0))
    (block $imagesDone
      (loop $imagesLoop
        (br_if $imagesDone (i32.ge_u (local.get $n) (local.get $images)))
        (local.set $o (i32.const 0))
        (block $filtersDone
          (loop $filtersLoop
            (br_if $filtersDone (i32.ge_u (local.get $o) (local.get $og)))
            (local.set $s (i32.add (local.get $c) (i32.shl
              (i32.add (i32.mul (local.get $o) (local.get $ldc)) (i32.mul (local.get $n) (local.get $positions))) (i32.const 2))))
            (local.set $d (i32.add (local.get $out) (i32.shl
              (i32.mul (i32.add (i32.mul (local.get $n) (local.get $filters)) (local.get $o)) (local.get $positions)) (i32.const 2))))
            (local.set $left (local.get $positions))
            (if (local.get $hasBias)
              (then
                (local.set $add (f32.load (i32.add (local.get $bias) (i32.shl (local.get $o) (i32.const 2)))))
                (local.set $add4 (f32x4.splat (local.get $add)))
                (block $runDone
                  (loop $run
                    (br_if $runDone (i32.lt_u (local.get $left) (i32.const 4)))
                    (v128.store (local.get $d) (f32x4.add (v128.load (local.get $s)) (local.get $add4)))
                    (local.set $s (i32.add (local.get $s) (i32.const 16)))
                    (local.set $d (i32.add (local.get $d) (i32.const 16)))
                    (local.set $left (i32.sub (local.get $left) (i32.const 4)))
                    (br $run)))
                (block $tailDone
                  (loop $tail
                    (br_if $tailDone (i32.eqz (local.get $left)))
                    (f32.store (local.get $d) (f32.add (f32.load (local.get $s)) (local.get $add)))
                    (local.set $s (i32.add (local.get $s) (i32.const 4)))
                    (local.set $d (i32.add (local.get $d) (i32.const 4)))
                    (local.set $left (i32.sub (local.get $left) (i32.const 1)))
                    (br $tail))))
              (else
                ;; no bias: the row as it is
                (memory.copy (local.get $d) (local.get $s) (i32.shl (local.get $positions) (i32.const 2)))))
            (local.set $o (i32.add (local.get $o) (i32.const 1)))
            (br $filtersLoop)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $imagesLoop))))

  ;; rows rows of P floats per image (src: images × …, images imageStride floats apart) as the
  ;; product's right operand with the rows as its columns, packed in panels of 8 rows (gemm.wat's
  ;; B): panel q holds, for every position (n, p) in order, rows 8q … 8q+7 at p. The weight
  ;; gradient's dyᵀ. Lanes past the last row repeat it (their columns are never read).
  (func (export "pack_lanes")
    (param $src i32) (param $dst i32) (param $images i32) (param $imageStride i32) (param $rows i32) (param $positions i32)
    (local $first i32) (local $n i32) (local $s i32) (local $end i32) (local $last i32) (local $rowBytes i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $r4 i32) (local $r5 i32) (local $r6 i32) (local $r7 i32)
    (local.set $rowBytes (i32.shl (local.get $positions) (i32.const 2)))
    (local.set $last (i32.sub (local.get $rows) (i32.const 1)))
    (local.set $first (i32.const 0))
    (block $panelsDone
      (loop $panels
        (br_if $panelsDone (i32.ge_u (local.get $first) (local.get $rows)))
        ;; the byte offset of each lane's row, clamped to the last row
        (local.set $r0 (i32.mul (local.get $rowBytes) (select (local.get $first) (local.get $last) (i32.lt_u (local.get $first) (local.get $last)))))
        (local.set $r1 (i32.mul (local.get $rowBytes) (select (i32.add (local.get $first) (i32.const 1)) (local.get $last) (i32.lt_u (i32.add (local.get $first) (i32.const 1)) (local.get $last)))))
        (local.set $r2 (i32.mul (local.get $rowBytes) (select (i32.add (local.get $first) (i32.const 2)) (local.get $last) (i32.lt_u (i32.add (local.get $first) (i32.const 2)) (local.get $last)))))
        (local.set $r3 (i32.mul (local.get $rowBytes) (select (i32.add (local.get $first) (i32.const 3)) (local.get $last) (i32.lt_u (i32.add (local.get $first) (i32.const 3)) (local.get $last)))))
        (local.set $r4 (i32.mul (local.get $rowBytes) (select (i32.add (local.get $first) (i32.const 4)) (local.get $last) (i32.lt_u (i32.add (local.get $first) (i32.const 4)) (local.get $last)))))
        (local.set $r5 (i32.mul (local.get $rowBytes) (select (i32.add (local.get $first) (i32.const 5)) (local.get $last) (i32.lt_u (i32.add (local.get $first) (i32.const 5)) (local.get $last)))))
        (local.set $r6 (i32.mul (local.get $rowBytes) (select (i32.add (local.get $first) (i32.const 6)) (local.get $last) (i32.lt_u (i32.add (local.get $first) (i32.const 6)) (local.get $last)))))
        (local.set $r7 (i32.mul (local.get $rowBytes) (select (i32.add (local.get $first) (i32.const 7)) (local.get $last) (i32.lt_u (i32.add (local.get $first) (i32.const 7)) (local.get $last)))))
        (local.set $n (i32.const 0))
        (block $imagesDone
          (loop $imagesLoop
            (br_if $imagesDone (i32.ge_u (local.get $n) (local.get $images)))
            (local.set $s (i32.add (local.get $src) (i32.shl (i32.mul (local.get $n) (local.get $imageStride)) (i32.const 2))))
            (local.set $end (i32.add (local.get $s) (local.get $rowBytes)))
            (block $positionsDone
              (loop $positionsLoop
                (br_if $positionsDone (i32.ge_u (local.get $s) (local.get $end)))
                (f32.store offset=0 (local.get $dst) (f32.load (i32.add (local.get $s) (local.get $r0))))
                (f32.store offset=4 (local.get $dst) (f32.load (i32.add (local.get $s) (local.get $r1))))
                (f32.store offset=8 (local.get $dst) (f32.load (i32.add (local.get $s) (local.get $r2))))
                (f32.store offset=12 (local.get $dst) (f32.load (i32.add (local.get $s) (local.get $r3))))
                (f32.store offset=16 (local.get $dst) (f32.load (i32.add (local.get $s) (local.get $r4))))
                (f32.store offset=20 (local.get $dst) (f32.load (i32.add (local.get $s) (local.get $r5))))
                (f32.store offset=24 (local.get $dst) (f32.load (i32.add (local.get $s) (local.get $r6))))
                (f32.store offset=28 (local.get $dst) (f32.load (i32.add (local.get $s) (local.get $r7))))
                (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
                (local.set $s (i32.add (local.get $s) (i32.const 4)))
                (br $positionsLoop)))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (br $imagesLoop)))
        (local.set $first (i32.add (local.get $first) (i32.const 8)))
        (br $panels))))
)

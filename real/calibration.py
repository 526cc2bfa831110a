"""Camera calibration from the placement mat's ArUco markers (OpenCV), and the live set-up report.

The markers lie at known table positions (:data:`arena.real.mat.MARKERS`), so one photo from a camera with known
intrinsics gives its pose by PnP; :func:`calibrate_from_image` writes it into ``robot.yaml``. During set-up the same
estimate says how far the camera is from the pose an episode asks for (the CameraPose axis reproduced by
measurement), and the photo compared with the bare mat seen from that pose says whether each object covers its
outline. :func:`synthetic_view` draws the mat as a camera at a given pose sees it (an exact homography: the mat is
flat), which is how this is tested.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from arena.geometry import mat_to_quat, quat_to_mat
from arena.real.errors import CalibrationError
from arena.real.frames import pose_distance
from arena.real.mat import MARKER_DICT, MARKERS, MatGeometry, draw_mat, marker_corners, object_outlines
from arena.real.robot_config import Intrinsics, load_robot_config, save_robot_config
from arena.spec.episode import EpisodeConfig


@dataclass(frozen=True)
class CameraPose:
    """An optical frame's pose in the base frame, how many markers gave it and the reprojection error (pixels)."""

    position: np.ndarray
    quaternion: np.ndarray
    markers: tuple[int, ...]
    reprojection_px: float

    def describe(self) -> str:
        p, q = np.round(self.position, 4).tolist(), np.round(self.quaternion, 4).tolist()
        return (
            f"camera at {p} m, optical quaternion {q} (w, x, y, z), from ArUco markers {list(self.markers)}, "
            f"reprojection error {self.reprojection_px:.2f} px"
        )


def detect_markers(image: np.ndarray) -> dict[int, np.ndarray]:
    """Marker id -> its 4 image corners (pixels), for the mat's markers visible in an RGB image."""
    import cv2

    dictionary = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, MARKER_DICT))
    gray = cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2GRAY)
    corners, ids, _ = cv2.aruco.ArucoDetector(dictionary).detectMarkers(gray)
    if ids is None:
        return {}
    return {int(i): c.reshape(4, 2) for i, c in zip(ids.ravel(), corners, strict=True) if int(i) in MARKERS}


def estimate_camera_pose(image: np.ndarray, intrinsics: Intrinsics) -> CameraPose:
    """The camera's optical-frame pose (base frame) from the mat markers in ``image``; needs 2 markers or more."""
    import cv2

    found = detect_markers(image)
    if len(found) < 2:
        raise CalibrationError(
            f"found {len(found)} of the mat's ArUco markers {sorted(MARKERS)} (ids seen: {sorted(found)}); "
            "at least 2 must be fully in view, flat and lit"
        )
    ids = tuple(sorted(found))
    world = np.concatenate([marker_corners(i) for i in ids]).astype(np.float64)
    pixels = np.concatenate([found[i] for i in ids]).astype(np.float64)
    ok, rvec, tvec = cv2.solvePnP(world, pixels, intrinsics.matrix(), None, flags=cv2.SOLVEPNP_ITERATIVE)
    if not ok:
        raise CalibrationError("OpenCV's solvePnP found no camera pose for the markers seen")
    projected, _ = cv2.projectPoints(world, rvec, tvec, intrinsics.matrix(), None)
    error = float(np.sqrt(np.mean(np.sum((projected.reshape(-1, 2) - pixels) ** 2, axis=1))))
    rotation, _ = cv2.Rodrigues(rvec)  # world -> camera
    position = -rotation.T @ tvec.ravel()
    return CameraPose(position, mat_to_quat(rotation.T), ids, error)


def homography(intrinsics: Intrinsics, position: np.ndarray, quaternion: np.ndarray, geometry: MatGeometry):
    """3x3 map from mat pixels to the image of a camera whose optical frame is at (position, quaternion)."""
    rotation = quat_to_mat(np.asarray(quaternion, float)).T  # world -> camera
    translation = -rotation @ np.asarray(position, float)
    plane = np.column_stack([rotation[:, 0], rotation[:, 1], translation])  # z = 0 plane
    return intrinsics.matrix() @ plane @ geometry.table_from_pixel_matrix()


def synthetic_view(
    intrinsics: Intrinsics,
    position: np.ndarray,
    quaternion: np.ndarray,
    config: EpisodeConfig | None = None,
    geometry: MatGeometry | None = None,
    mat: np.ndarray | None = None,
) -> np.ndarray:
    """The mat (of ``config``, or bare) as seen by a pinhole camera at the pose: an RGB image."""
    import cv2

    geometry = geometry or MatGeometry(100)
    mat = np.asarray(draw_mat(config, geometry)) if mat is None else mat
    h = homography(intrinsics, position, quaternion, geometry)
    return cv2.warpPerspective(
        mat, h, (intrinsics.width, intrinsics.height), flags=cv2.INTER_AREA, borderValue=(90, 90, 90)
    )


def calibrate_from_image(
    robot_path: str | Path, camera: str, image_path: str | Path, paper: str = "a4", write: bool = True
) -> CameraPose:
    """Estimate ``camera``'s pose from a photo of the mat and (``write``) store it in ``robot.yaml``."""
    import imageio.v2 as imageio

    robot = load_robot_config(robot_path)
    intrinsics = robot.camera(camera).intrinsics
    image = np.asarray(imageio.imread(image_path))[..., :3]
    if image.shape[:2] != (intrinsics.height, intrinsics.width):
        raise CalibrationError(
            f"{image_path} is {image.shape[1]}x{image.shape[0]} but robot.yaml's {camera} intrinsics are for "
            f"{intrinsics.width}x{intrinsics.height}"
        )
    pose = estimate_camera_pose(image, intrinsics)
    if write:
        save_robot_config(robot.with_camera_pose(camera, pose.position, pose.quaternion), robot_path)
    return pose


def outline_coverage(
    image: np.ndarray, intrinsics: Intrinsics, position, quaternion, config: EpisodeConfig, threshold: int = 40
) -> dict[str, float]:
    """For each object of the episode, the fraction of its outline's inside that differs from the bare mat in a
    photo taken from the given (calibrated) pose: near 1 when the object sits on its outline."""
    import cv2

    geometry = MatGeometry(100)
    bare = synthetic_view(intrinsics, position, quaternion, None, geometry).astype(int)
    differs = np.abs(np.asarray(image, int) - bare).max(axis=2) > threshold
    h = homography(intrinsics, position, quaternion, geometry)
    coverage = {}
    for label, _, outlines, _ in object_outlines(config):
        mask = np.zeros(differs.shape, np.uint8)
        for outline in outlines:
            pixels = np.array([geometry.to_pixels(x, y) for x, y in outline], np.float64).reshape(-1, 1, 2)
            polygon = cv2.perspectiveTransform(pixels, h).reshape(-1, 2)
            cv2.fillPoly(mask, [np.round(polygon).astype(np.int32)], 1)
        inside = mask.astype(bool)
        coverage[label] = float(differs[inside].mean()) if inside.any() else float("nan")
    return coverage


def setup_report(
    image: np.ndarray,
    intrinsics: Intrinsics,
    wanted_position: np.ndarray,
    wanted_quaternion: np.ndarray,
    config: EpisodeConfig,
) -> str:
    """The live set-up report: camera distance from the episode's pose and each object's outline coverage."""
    try:
        pose = estimate_camera_pose(image, intrinsics)
    except CalibrationError as error:
        return f"camera: {error}"
    metres, radians = pose_distance(pose.position, pose.quaternion, wanted_position, wanted_quaternion)
    lines = [f"camera is {metres * 1000:.0f} mm and {np.degrees(radians):.1f} deg from the episode's pose"]
    for label, fraction in outline_coverage(image, intrinsics, pose.position, pose.quaternion, config).items():
        verdict = "on its outline" if fraction > 0.8 else "NOT on its outline"
        lines.append(f"{label}: {verdict} ({fraction:.0%} of the outline covered)")
    return "\n".join(lines)

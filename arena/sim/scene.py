"""Scene builder: the Panda, table, walls, lights, cameras and a task's parametric objects on ``mujoco.MjSpec``.

World frame = robot base frame: origin at the Panda's base on the table top (z = 0 is the table surface),
x forward, z up.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import mujoco
import numpy as np

from arena.geometry import look_at_quat, quat_from_yaw
from arena.objects import Part, Primitive
from arena.objects.primitives import wedge_vertices
from arena.robot import load_panda_spec
from arena.sim import naming
from arena.sim.cameras import CAMERA_FOVY, CAMERA_RIGS
from arena.spec.axes import PlacedToy
from arena.spec.colors import rgba
from arena.spec.task import ObjectSpec, TaskSpec
from arena.spec.textures import TEXTURE_SIZE

TABLE_HALF = (0.65, 0.75, 0.02)
TABLE_CENTER_X = 0.35
TABLE_HEIGHT = 0.75
WALLS: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    # name: (centre, half size)
    "wall_back": ((1.8, 0.0, 0.5), (0.02, 2.0, 1.25)),
    "wall_front": ((-1.2, 0.0, 0.5), (0.02, 2.0, 1.25)),
    "wall_left": ((0.3, 2.0, 0.5), (1.5, 0.02, 1.25)),
    "wall_right": ((0.3, -2.0, 0.5), (1.5, 0.02, 1.25)),
}
LIGHTS: dict[str, tuple[tuple[float, float, float], tuple[float, float, float], float]] = {
    # name: (position, direction, diffuse intensity)
    "light_key": ((0.9, 0.6, 1.6), (-0.35, -0.3, -1.0), 0.65),
    "light_fill": ((0.2, -0.8, 1.4), (0.2, 0.5, -1.0), 0.35),
}
__all__ = ["SceneOptions", "build_scene_spec"]

_GEOM_TYPES = {
    "box": mujoco.mjtGeom.mjGEOM_BOX,
    "cylinder": mujoco.mjtGeom.mjGEOM_CYLINDER,
    "sphere": mujoco.mjtGeom.mjGEOM_SPHERE,
    "wedge": mujoco.mjtGeom.mjGEOM_MESH,  # a convex mesh of its six corners (arena.objects.primitives.wedge_vertices)
    "capsule": mujoco.mjtGeom.mjGEOM_CAPSULE,
}
#: Armature (kg m^2) of a ball joint: a rope's links weigh grams, and the 0.001 of hinges and slides would make a
#: rope swing like a chain of flywheels (it would hang in the air, bent, for seconds). Measured on StraightenRope:
#: 1e-5 or 1e-4 would halve the contact solve's cost, but the stiffer rope drops the expert from 98% to 88-90%.
_BALL_ARMATURE = 1e-6
_JOINT_TYPES = {
    "hinge": mujoco.mjtJoint.mjJNT_HINGE,
    "slide": mujoco.mjtJoint.mjJNT_SLIDE,
    "ball": mujoco.mjtJoint.mjJNT_BALL,
}


@dataclass(frozen=True)
class SceneOptions:
    """Spec-stage settings of a scene: what must be decided before compiling.

    Attributes:
        object_scales: Object name to uniform scale factor (ObjectSize / ReceiverSize axes).
        distractors: Distractor toys (Distractors axis).
        max_image_size: Largest offscreen image side the model allows.
    """

    object_scales: Mapping[str, float] = field(default_factory=dict)
    distractors: tuple[PlacedToy, ...] = ()
    max_image_size: int = 1024

    def key(self) -> str:
        """Canonical text identifying the compiled scene these options produce."""
        return json.dumps(
            {
                "scales": dict(self.object_scales),
                "distractors": [toy.to_json() for toy in self.distractors],
                "size": self.max_image_size,
            },
            sort_keys=True,
        )


def texture_slot(spec: mujoco.MjSpec, name: str) -> None:
    """Add a blank 64x64 RGB texture that perturbation axes fill in on the compiled model."""
    spec.add_texture(
        name=name,
        type=mujoco.mjtTexture.mjTEXTURE_2D,
        width=TEXTURE_SIZE,
        height=TEXTURE_SIZE,
        nchannel=3,
        builtin=mujoco.mjtBuiltin.mjBUILTIN_FLAT,
        rgb1=[1.0, 1.0, 1.0],
        rgb2=[1.0, 1.0, 1.0],
    )


def _add_primitive_geom(body: mujoco.MjsBody, name: str, primitive: Primitive, **attributes) -> mujoco.MjsGeom:
    size = np.zeros(3)
    size[: len(primitive.size)] = primitive.size
    return body.add_geom(
        name=name,
        type=_GEOM_TYPES[primitive.kind],
        size=size,
        pos=primitive.pos,
        quat=primitive.quat,
        **attributes,
    )


def _add_environment(spec: mujoco.MjSpec) -> None:
    world = spec.worldbody
    texture_slot(spec, naming.TABLE_TEXTURE)
    texture_slot(spec, naming.BACKGROUND_TEXTURE)
    spec.add_material(name=naming.TABLE_MATERIAL, rgba=[0.62, 0.5, 0.38, 1.0], texrepeat=[6, 6], texuniform=True)
    spec.add_material(name=naming.WALL_MATERIAL, rgba=[0.78, 0.8, 0.82, 1.0], texrepeat=[3, 3], texuniform=True)
    spec.add_material(name=naming.FLOOR_MATERIAL, rgba=[0.35, 0.35, 0.38, 1.0], texrepeat=[4, 4], texuniform=True)
    world.add_geom(
        name="floor",
        type=mujoco.mjtGeom.mjGEOM_PLANE,
        size=[4, 4, 0.05],
        pos=[0, 0, -TABLE_HEIGHT],
        material=naming.FLOOR_MATERIAL,
    )
    world.add_geom(
        name=naming.TABLE_GEOM,
        type=mujoco.mjtGeom.mjGEOM_BOX,
        size=TABLE_HALF,
        pos=[TABLE_CENTER_X, 0.0, -TABLE_HALF[2]],
        material=naming.TABLE_MATERIAL,
        friction=[1.0, 0.005, 0.0001],
    )
    leg_half = (TABLE_HEIGHT - 2 * TABLE_HALF[2]) / 2
    for i, (sx, sy) in enumerate([(1, 1), (1, -1), (-1, 1), (-1, -1)]):
        world.add_geom(
            name=f"table_leg_{i}",
            type=mujoco.mjtGeom.mjGEOM_BOX,
            size=[0.03, 0.03, leg_half],
            pos=[
                TABLE_CENTER_X + sx * (TABLE_HALF[0] - 0.05),
                sy * (TABLE_HALF[1] - 0.05),
                -2 * TABLE_HALF[2] - leg_half,
            ],
            material=naming.TABLE_MATERIAL,
            contype=0,
            conaffinity=0,
        )
    for name, (center, half) in WALLS.items():
        world.add_geom(
            name=name,
            type=mujoco.mjtGeom.mjGEOM_BOX,
            size=half,
            pos=center,
            material=naming.WALL_MATERIAL,
            contype=0,
            conaffinity=0,
        )
    for name, (pos, direction, intensity) in LIGHTS.items():
        world.add_light(
            name=name,
            pos=pos,
            dir=np.asarray(direction) / np.linalg.norm(direction),
            diffuse=[intensity] * 3,
            specular=[0.1] * 3,
            castshadow=True,
            type=mujoco.mjtLightType.mjLIGHT_DIRECTIONAL,
        )
    spec.visual.headlight.ambient = [0.25, 0.25, 0.25]
    spec.visual.headlight.diffuse = [0.25, 0.25, 0.25]
    spec.visual.headlight.specular = [0.0, 0.0, 0.0]
    for name, (pos, target) in CAMERA_RIGS.items():
        world.add_camera(name=name, pos=pos, quat=look_at_quat(np.array(pos), np.array(target)), fovy=CAMERA_FOVY)


def _add_part(
    spec: mujoco.MjSpec, parent: mujoco.MjsBody, obj: ObjectSpec, part: Part, material: str
) -> mujoco.MjsBody:
    body = parent.add_body(name=naming.object_body(obj.name, part.name), pos=part.pos, quat=part.quat)
    if part.joint is not None:
        joint = part.joint
        mj_joint = body.add_joint(
            name=naming.object_joint(obj.name, part.name),
            type=_JOINT_TYPES[joint.kind],
            axis=joint.axis,
            pos=joint.pos,
            range=joint.range,
            limited=mujoco.mjtLimited.mjLIMITED_TRUE,
            damping=joint.damping,
            frictionloss=joint.frictionloss,
            stiffness=joint.stiffness,
            armature=_BALL_ARMATURE if joint.kind == "ball" else 0.001,
        )
        if joint.holds:  # stiff friction: the part stays where it is left under a steady load
            mj_joint.solref_friction = [0.004, 1.0]
            mj_joint.solimp_friction = [0.99, 0.999, 0.001, 0.5, 2.0]
    collides = obj.shape.collides
    for k, primitive in enumerate(part.primitives):
        geom_name = naming.object_geom(obj.name, part.name, k)
        mesh = {}
        if primitive.kind == "wedge":  # MuJoCo has no prism: its own convex mesh, named after the geom
            spec.add_mesh(name=f"{geom_name}_mesh", uservert=wedge_vertices(primitive.size).ravel().tolist())
            mesh = {"meshname": f"{geom_name}_mesh"}
        _add_primitive_geom(
            body,
            geom_name,
            primitive,
            **mesh,
            material=material,
            density=obj.density,
            friction=[obj.friction if part.friction is None else part.friction, 0.005, 0.0001],
            condim=obj.shape.contact_condim if obj.shape.free else 3,
            # The object's friction, not the table's, governs their contacts (Friction axis); a part with its own
            # friction governs its contacts with other objects too.
            priority=1 if part.friction is None else 2,
            contype=1 if collides else 0,
            conaffinity=1 if collides else 0,
            group=1,
        )
    for site, pos in part.sites.items():
        body.add_site(name=naming.object_site(obj.name, site), pos=pos, size=[0.004, 0, 0], group=5, rgba=[1, 0, 1, 1])
    return body


def _add_object(spec: mujoco.MjSpec, obj: ObjectSpec, scale: float) -> None:
    shape = obj.shape.scaled(scale)
    material = naming.object_material(obj.name)
    texture_slot(spec, naming.object_texture(obj.name))
    spec.add_material(name=material, rgba=list(rgba(obj.color)))  # a texture spans each face once
    bodies: dict[str, mujoco.MjsBody] = {}
    for part in shape.parts():
        parent = spec.worldbody if part.parent is None else bodies[part.parent]
        part_material = material
        if part.color is not None:
            part_material = naming.accent_material(obj.name, part.color)
            if spec.material(part_material) is None:
                spec.add_material(name=part_material, rgba=list(rgba(part.color)))
        bodies[part.name] = _add_part(spec, parent, obj, part, part_material)
        if part.parent is None and shape.free:
            bodies[part.name].add_freejoint(name=naming.free_joint(obj.name))
        if part.parent is not None and part.joint is not None:
            # A jointed part moves within its joint's range; contacts with its parent (a hinge barrel, a drawer's
            # runners) would only add friction the real, clearance-fitted part does not have.
            spec.add_exclude(
                bodyname1=naming.object_body(obj.name, part.parent), bodyname2=naming.object_body(obj.name, part.name)
            )
    if hasattr(shape, "speck_offsets"):
        _add_specks(spec, obj, shape, material)


def _add_specks(spec: mujoco.MjSpec, obj: ObjectSpec, shape, material: str) -> None:
    """A dirt patch's specks (``arena/objects/dirt.py``): one flat visual dot per mocap body, in the object's colour.

    Mocap bodies hang from the world, so the specks are laid on the patch at every reset and wiped off during the
    episode by :class:`~arena.sim.scene_state.SceneState`, through ``MjData.mocap_pos`` (episode state, not model).
    """
    radius, half = shape.speck_radius, 0.0004
    for k, (x, y) in enumerate(shape.speck_offsets()):
        body = spec.worldbody.add_body(
            name=naming.object_body(obj.name, shape.speck_name(k)), pos=[x, y, 0.0], mocap=True
        )
        body.add_geom(
            name=naming.object_geom(obj.name, shape.speck_name(k), 0),
            type=mujoco.mjtGeom.mjGEOM_CYLINDER,
            size=[radius, half, 0.0],
            pos=[0.0, 0.0, 2 * half],  # a dot 0.8 mm thick lying on the desk, inside the tape outline
            material=material,
            contype=0,
            conaffinity=0,
            group=1,
        )


def build_scene_spec(task: TaskSpec, options: SceneOptions | None = None) -> mujoco.MjSpec:
    """A fresh ``MjSpec`` of the full scene for ``task`` (objects at their frame origins; poses set at reset)."""
    options = options or SceneOptions()
    spec = load_panda_spec()
    spec.modelname = f"arena_{task.name}"
    spec.visual.global_.offwidth = options.max_image_size
    spec.visual.global_.offheight = options.max_image_size
    spec.visual.quality.shadowsize = 2048
    _add_environment(spec)
    scales = dict(options.object_scales)
    for obj in task.objects:
        _add_object(spec, obj, float(scales.get(obj.name, 1.0)))
    for index, toy in enumerate(options.distractors):
        _add_distractor(spec, index, toy)
    return spec


def _add_distractor(spec: mujoco.MjSpec, index: int, toy: PlacedToy) -> None:
    """A free-standing toy at its sampled pose; it settles with the scene before the episode starts."""
    name = naming.distractor(index)
    material = naming.object_material(name)
    spec.add_material(name=material, rgba=list(rgba(toy.color)))
    body = spec.worldbody.add_body(
        name=naming.object_body(name, "body"), pos=[toy.x, toy.y, 0.0005], quat=quat_from_yaw(toy.yaw)
    )
    body.add_freejoint(name=naming.free_joint(name))
    for k, primitive in enumerate(toy.primitives):
        _add_primitive_geom(
            body,
            naming.object_geom(name, "body", k),
            primitive,
            material=material,
            density=400.0,
            condim=4,
            priority=1,
            group=1,
        )

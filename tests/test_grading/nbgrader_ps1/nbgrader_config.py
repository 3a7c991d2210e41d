# The only file of this course root not from nbgrader's documentation: what `nbgrader
# quickstart` writes, reduced to the course id.
c = get_config()  # noqa: F821 - nbgrader's config loader provides it
c.CourseDirectory.course_id = "course101"

from setuptools import find_packages, setup

setup(
    name="feature-sdk",
    version="0.9.0",
    packages=find_packages(),
    install_requires=["fastapi>=0.110", "jinja2>=3.1"],
)
